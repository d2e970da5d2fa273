/** Receives latencies from the framework (the demo and benchmarks summarise them). */
export interface FrameworkMetrics {
  /** Duration in ms of one extension point for one cycle ('filter' covers PreFilter + Filter, 'score' PreScore + Score). */
  observePoint(point: string, ms: number): void;
}
