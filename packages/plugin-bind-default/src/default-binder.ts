import { type BindPlugin, type CycleState, type Handle, inject, injectable, type Pod, Status, Tokens } from '@schedkit/framework';
import { z } from 'zod';

/** The name kube-scheduler configurations use for this plugin. */
export const DefaultBinderName = 'DefaultBinder';

/** DefaultBinder takes no args (as in kube); unknown keys are rejected so typos surface. */
export const DefaultBinderArgsSchema = z.object({}).strict();

/** The (empty) args of {@link DefaultBinder}. */
export type DefaultBinderArgs = z.infer<typeof DefaultBinderArgsSchema>;

/**
 * kube-scheduler's DefaultBinder: writes the binding of the pod to the chosen node through the framework's
 * {@link Handle.binder}. A failed write becomes an Error status carrying the binder's error, so the scheduler
 * forgets the assumed pod and retries it.
 */
@injectable()
export class DefaultBinder implements BindPlugin {
  readonly name = DefaultBinderName;

  constructor(@inject(Tokens.Handle) private readonly handle: Handle) {}

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status | null> {
    try {
      await this.handle.binder.bind(pod, nodeName);
    } catch (error) {
      return Status.error(error);
    }
    return null;
  }
}
