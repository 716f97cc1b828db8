/**
 * The process tree from Linux's /proc, and what each Chromium process is: which processes a
 * browser the bench launched (or a server a test started) runs, and no one else's. One place
 * reads a stat line, for the bench's memory and CPU figures and the cluster test.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line's fields that matter here. */
export interface StatLine {
  id: number;
  /** The kernel's short name (comm, at most 15 bytes): Chromium names its threads. */
  name: string;
  /** Parent process id (for a task: its process's parent). */
  ppid: number;
  /** User + system CPU, in clock ticks. */
  ticks: number;
}

/** Parses a stat line: "pid (comm) state ppid ... utime stime ...", where comm may hold spaces and parentheses. */
export function parseStat(text: string): StatLine {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${text.slice(0, 80)}`);
  // After ") ": state(3) ppid(4) pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15).
  const rest = text.slice(close + 2).split(' ');
  return { id: Number(text.slice(0, open)), name: text.slice(open + 1, close), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

/** The stat line at `path`, or undefined when the process or thread has exited. */
export function readStat(path: string): StatLine | undefined {
  try {
    return parseStat(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // exited while we looked
  }
}

/** Every live process's children, by parent id (one scan of /proc). */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(`/proc/${name}/stat`);
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(s.id);
    children.set(s.ppid, list);
  }
  return children;
}

/** The direct children of `parent`. */
export function childrenOf(parent: number): number[] {
  return childrenByParent().get(parent) ?? [];
}

/** Every live descendant of `root` (children, grandchildren...). */
export function descendants(root: number): number[] {
  const children = childrenByParent();
  const found: number[] = [];
  const queue = [root];
  while (queue.length) for (const child of children.get(queue.shift()!) ?? []) found.push(child), queue.push(child);
  return found;
}

/** A live process's command line (arguments joined by NULs, or by spaces where the title was rewritten); "" when it has exited. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * What a Chromium process is, from its command line: "renderer", "gpu-process", "utility",
 * "zygote"..., or "browser" for the main process (no --type).
 */
export function chromiumProcessKind(cmdline: string): string {
  return /(?:^|[\s\0])--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
}

/** chromiumProcessKind of a live process; "" when it has exited. */
export function chromiumKindOf(pid: number): string {
  const cmdline = commandLine(pid);
  return cmdline ? chromiumProcessKind(cmdline) : '';
}
