/**
 * The ready queue of an execution: units in the order they became ready. Units start in
 * that order, so the one leaving is nearly always the first; an array's shift() is O(1) in
 * V8 only while it can trim the array's start in place, which it cannot for a large array
 * or while the garbage collector marks: then every shift moved the whole queue (10,000 refs
 * in a wide DAG, per task started: 2.5 % of a 9,000-task run's instructions, 14 % of a
 * 20,000-task run's time). Here the first leaves by moving an index, and the space before
 * it is given back once it is half the array.
 */
import type { WorkRef } from './state.js';

/** Refs left behind the head before the array is copied down. */
const COMPACT_AFTER = 1024;

export class WorkQueue {
  private items: Array<WorkRef | undefined>;
  private head = 0;

  constructor(refs: WorkRef[] = []) {
    this.items = refs;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** The ref at `index` from the front. */
  at(index: number): WorkRef | undefined {
    return this.items[this.head + index];
  }

  push(ref: WorkRef): void {
    this.items.push(ref);
  }

  /** Removes the ref at `index` from the front. */
  removeAt(index: number): void {
    if (index < 0 || index >= this.length) return;
    if (index > 0) {
      this.items.splice(this.head + index, 1);
      return;
    }
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The index from the front of the first ref `match` accepts, or -1. */
  findIndex(match: (ref: WorkRef) => boolean): number {
    for (let index = this.head; index < this.items.length; index += 1) {
      if (match(this.items[index] as WorkRef)) return index - this.head;
    }
    return -1;
  }

  some(match: (ref: WorkRef) => boolean): boolean {
    return this.findIndex(match) >= 0;
  }

  /** Keeps only the refs `keep` accepts. */
  retain(keep: (ref: WorkRef) => boolean): void {
    this.items = this.toJSON().filter(keep);
    this.head = 0;
  }

  /** The refs as a plain array: a checkpoint's snapshot holds the queue as one. */
  toJSON(): WorkRef[] {
    return (this.head === 0 ? this.items : this.items.slice(this.head)) as WorkRef[];
  }
}
