/**
 * kube's extender wire format (k8s.io/kube-scheduler/extender/v1). Its Go structs carry no json tags, so the JSON
 * field names are the Go field names (`Pod`, `NodeNames`, `FailedNodes`, `Host`, `Score`...), and a Go nil is
 * `null`. Answers are read as Go's encoding/json reads them: a field matches its name exactly or, failing that,
 * case-insensitively (`nodenames`, `failedNodes` and `host` are all accepted, as extenders in the wild send them).
 */
import type { Node, Pod } from '../model/types.js';

/** v1.NodeList as Go marshals one built in code: no kind/apiVersion, an empty `metadata`. */
export interface NodeListWire {
  metadata: Record<string, never>;
  items: Node[];
}

/** ExtenderArgs: the pod and either the nodes (`Nodes`) or, for a nodeCacheCapable extender, their names. */
export interface ExtenderArgs {
  Pod: Pod;
  Nodes: NodeListWire | null;
  NodeNames: string[] | null;
}

/** ExtenderFilterResult. */
export interface ExtenderFilterResult {
  Nodes: NodeListWire | null;
  NodeNames: string[] | null;
  FailedNodes: Record<string, string> | null;
  FailedAndUnresolvableNodes: Record<string, string> | null;
  Error: string;
}

/** HostPriority; a prioritize answer is a list of them (HostPriorityList). */
export interface HostPriority {
  Host: string;
  Score: number;
}

/** ExtenderBindingArgs. */
export interface ExtenderBindingArgs {
  PodName: string;
  PodNamespace: string;
  PodUID: string;
  Node: string;
}

/** ExtenderBindingResult. */
export interface ExtenderBindingResult {
  Error: string;
}

/** Victims: full pods. */
export interface VictimsWire {
  Pods: Pod[];
  NumPDBViolations: number;
}

/** MetaVictims: pods by UID only. */
export interface MetaVictimsWire {
  Pods: { UID: string }[];
  NumPDBViolations: number;
}

/** ExtenderPreemptionArgs: full victims, or (nodeCacheCapable) victims by UID. */
export interface ExtenderPreemptionArgs {
  Pod: Pod;
  NodeNameToVictims: Record<string, VictimsWire> | null;
  NodeNameToMetaVictims: Record<string, MetaVictimsWire> | null;
}

/** ExtenderPreemptionResult: the extender always answers by UID. */
export interface ExtenderPreemptionResult {
  NodeNameToMetaVictims: Record<string, MetaVictimsWire> | null;
}

/** A decoding problem in an extender's answer; the message names the field. */
export class WireError extends Error {
  override name = 'WireError';
}

/** `object[name]` as Go's decoder finds it: the exact key, else the first key equal to it ignoring case. */
export function goField(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireError(`${what}: expected an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function optionalObject(value: unknown, what: string): Record<string, unknown> | null {
  return value === undefined || value === null ? null : asObject(value, what);
}

function optionalString(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new WireError(`${what}: expected a string, got ${describe(value)}`);
  return value;
}

function int64(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new WireError(`${what}: expected an integer, got ${describe(value)}`);
  return value;
}

function stringList(value: unknown, what: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new WireError(`${what}: expected a list of strings, got ${describe(value)}`);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new WireError(`${what}[${i}]: expected a string, got ${describe(item)}`);
    return item;
  });
}

function stringMap(value: unknown, what: string): Record<string, string> | null {
  const object = optionalObject(value, what);
  if (object === null) return null;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(object)) out[key] = optionalString(item, `${what}[${JSON.stringify(key)}]`);
  return out;
}

/** The node names of a NodeList in an answer (`items[].metadata.name`). */
function nodeListNames(value: unknown, what: string): { items: { metadata: { name: string } }[] } | null {
  const list = optionalObject(value, what);
  if (list === null) return null;
  const items = goField(list, 'items');
  if (items === undefined || items === null) return { items: [] };
  if (!Array.isArray(items)) throw new WireError(`${what}.items: expected a list of nodes, got ${describe(items)}`);
  return {
    items: items.map((item, i) => {
      const node = asObject(item, `${what}.items[${i}]`);
      const metadata = optionalObject(goField(node, 'metadata'), `${what}.items[${i}].metadata`);
      return { metadata: { name: metadata === null ? '' : optionalString(goField(metadata, 'name'), `${what}.items[${i}].metadata.name`) } };
    }),
  };
}

/** Reads a filter answer. */
export function decodeFilterResult(value: unknown): {
  nodeNames: string[] | null;
  nodes: { items: { metadata: { name: string } }[] } | null;
  failedNodes: Record<string, string> | null;
  failedAndUnresolvableNodes: Record<string, string> | null;
  error: string;
} {
  const object = asObject(value, 'ExtenderFilterResult');
  return {
    nodes: nodeListNames(goField(object, 'Nodes'), 'Nodes'),
    nodeNames: stringList(goField(object, 'NodeNames'), 'NodeNames'),
    failedNodes: stringMap(goField(object, 'FailedNodes'), 'FailedNodes'),
    failedAndUnresolvableNodes: stringMap(goField(object, 'FailedAndUnresolvableNodes'), 'FailedAndUnresolvableNodes'),
    error: optionalString(goField(object, 'Error'), 'Error'),
  };
}

/** Reads a prioritize answer (a HostPriorityList; null is an empty list, as for Go). */
export function decodeHostPriorityList(value: unknown): { host: string; score: number }[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw new WireError(`HostPriorityList: expected a list, got ${describe(value)}`);
  return value.map((item, i) => {
    const entry = asObject(item, `HostPriorityList[${i}]`);
    return { host: optionalString(goField(entry, 'Host'), `HostPriorityList[${i}].Host`), score: int64(goField(entry, 'Score'), `HostPriorityList[${i}].Score`) };
  });
}

/** Reads a bind answer's error message ('' for success). */
export function decodeBindingResult(value: unknown): string {
  return optionalString(goField(asObject(value, 'ExtenderBindingResult'), 'Error'), 'Error');
}

/** Reads a preempt answer: per node, the victims' UIDs and PDB violations. */
export function decodePreemptionResult(value: unknown): Map<string, { uids: string[]; numPDBViolations: number } | null> {
  const object = asObject(value, 'ExtenderPreemptionResult');
  const victims = optionalObject(goField(object, 'NodeNameToMetaVictims'), 'NodeNameToMetaVictims');
  const out = new Map<string, { uids: string[]; numPDBViolations: number } | null>();
  if (victims === null) return out;
  for (const [node, raw] of Object.entries(victims)) {
    const what = `NodeNameToMetaVictims[${JSON.stringify(node)}]`;
    const meta = optionalObject(raw, what);
    if (meta === null) {
      out.set(node, null);
      continue;
    }
    const pods = goField(meta, 'Pods');
    if (pods !== undefined && pods !== null && !Array.isArray(pods)) throw new WireError(`${what}.Pods: expected a list, got ${describe(pods)}`);
    const uids = ((pods as unknown[] | null | undefined) ?? []).map((pod, i) => optionalString(goField(asObject(pod, `${what}.Pods[${i}]`), 'UID'), `${what}.Pods[${i}].UID`));
    out.set(node, { uids, numPDBViolations: int64(goField(meta, 'NumPDBViolations'), `${what}.NumPDBViolations`) });
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
