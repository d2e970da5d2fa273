/** Receives latencies from the framework (the demo and benchmarks summarise them). */
export interface FrameworkMetrics {
  /**
   * Duration in ms of one extension point for one pod: 'filter' covers PreFilter + Filter and 'score' PreScore +
   * Score (from the framework); 'postFilter', 'reserve', 'permit', 'preBind' and 'bind' come from the scheduler.
   */
  observePoint(point: string, ms: number): void;
  /** Duration in ms of one call to an extender (`extender` is its URL prefix; `verb` filter, prioritize, bind or preempt). */
  observeExtender?(extender: string, verb: string, ms: number): void;
}
