import type { ObjectLister, PersistentVolume, PersistentVolumeClaim } from '@schedkit/framework';

/** An object the scheduler assumed changed, and the stored version it changed. */
interface Assumed<T> {
  object: T;
  /** The stored object's resourceVersion when it was assumed. */
  base: string | undefined;
}

/**
 * kube's assume caches of volumes and claims: the store's objects, overlaid with the bindings VolumeBinding's
 * Reserve assumed and its PreBind has not written yet, so that the next pods' cycles do not pick a volume an
 * earlier pod took. An assumption yields to the store once the stored object changes (the write landed, or
 * another writer won): the store is the truth.
 */
export class VolumeAssumeCache {
  private readonly volumes = new Map<string, Assumed<PersistentVolume>>();
  private readonly claims = new Map<string, Assumed<PersistentVolumeClaim>>();

  constructor(private readonly objects: ObjectLister) {}

  /** The volume `name` as the scheduler sees it, or undefined. */
  volume(name: string): PersistentVolume | undefined {
    return overlay(this.volumes, name, this.objects.get('PersistentVolume', name));
  }

  /** Every volume as the scheduler sees it. */
  listVolumes(): PersistentVolume[] {
    return this.objects.list('PersistentVolume').map((stored) => overlay(this.volumes, stored.metadata.name, stored) ?? stored);
  }

  /** The claim `namespace/name` as the scheduler sees it, or undefined. */
  claim(key: string): PersistentVolumeClaim | undefined {
    return overlay(this.claims, key, this.objects.get('PersistentVolumeClaim', key));
  }

  /** Assumes `volume` (a changed copy of the stored one) until the store changes. */
  assumeVolume(volume: PersistentVolume): void {
    this.volumes.set(volume.metadata.name, { object: volume, base: this.objects.get('PersistentVolume', volume.metadata.name)?.metadata.resourceVersion });
  }

  /** Assumes `claim` (a changed copy of the stored one, key `namespace/name`) until the store changes. */
  assumeClaim(key: string, claim: PersistentVolumeClaim): void {
    this.claims.set(key, { object: claim, base: this.objects.get('PersistentVolumeClaim', key)?.metadata.resourceVersion });
  }

  /** Drops the assumption about volume `name` (Unreserve, or a failed write). */
  restoreVolume(name: string): void {
    this.volumes.delete(name);
  }

  /** Drops the assumption about claim `key`. */
  restoreClaim(key: string): void {
    this.claims.delete(key);
  }
}

function overlay<T extends { metadata: { resourceVersion?: string } }>(assumed: Map<string, Assumed<T>>, key: string, stored: T | undefined): T | undefined {
  const entry = assumed.get(key);
  if (!entry) return stored;
  if (!stored || stored.metadata.resourceVersion !== entry.base) {
    assumed.delete(key);
    return stored;
  }
  return entry.object;
}
