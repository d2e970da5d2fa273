export { chunkSizeFor } from './chunk-size.js';
export {
  DEFAULT_PARALLELISM,
  Parallelizer,
  type SyncWorkPiece,
  type UntilOptions,
  type WorkPiece,
} from './parallelizer.js';
