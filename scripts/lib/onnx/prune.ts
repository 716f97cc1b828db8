/**
 * Output pruning: keep only the named graph outputs, and drop every node, initializer and
 * value_info that no longer feeds one of them. ISNet has 12 outputs (side heads and
 * intermediate features) and the app asks for `output` alone; without the others the
 * runtime never allocates them and the file loses the weights only they used.
 */
import { graphOf, type ModelProto } from './model-proto.ts';

/** Rewrites `model` in place to the outputs `keep` (in the graph's order) and returns it. */
export function pruneOutputs(model: ModelProto, keep: readonly string[]): ModelProto {
  const graph = graphOf(model);
  const outputs = graph.output ?? [];
  for (const name of keep) {
    if (!outputs.some((o) => o.name === name)) throw new Error(`the graph has no output "${name}" (it has ${outputs.map((o) => o.name).join(', ')})`);
  }
  const nodes = graph.node ?? [];
  for (const node of nodes) {
    if (node.attribute?.some((a) => a.g || (a.graphs && a.graphs.length > 0))) {
      throw new Error(`node ${node.name} (${node.opType}) has a subgraph; pruning does not follow subgraphs`);
    }
  }
  // Walk back from the kept outputs through each value's producer. Not a single backwards
  // pass over the list: the package's fp16 graph is not stored in topological order.
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => node.output?.forEach((o) => o && producer.set(o, i)));
  const needed = new Set<string>();
  const kept = new Array<boolean>(nodes.length).fill(false);
  const pending = [...keep];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (needed.has(value)) continue;
    needed.add(value);
    const i = producer.get(value);
    if (i === undefined || kept[i]) continue;
    kept[i] = true;
    for (const input of nodes[i].input ?? []) if (input) pending.push(input);
  }
  graph.node = nodes.filter((_, i) => kept[i]);
  graph.output = outputs.filter((o) => keep.includes(o.name ?? ''));
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
  return model;
}
