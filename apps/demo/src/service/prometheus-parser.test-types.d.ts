declare module 'parse-prometheus-text-format' {
  /** One sample of a family (histograms carry buckets, count and sum instead of a value). */
  interface Sample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** A metric family as the text format declares it. */
  interface Family {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Sample[];
  }
  /** Parses Prometheus' text exposition format; throws on malformed input. */
  export default function parse(text: string): Family[];
}
