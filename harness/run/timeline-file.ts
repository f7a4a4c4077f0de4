// timeline.jsonl: one event per line, appended as it happens, so an interrupted run leaves a
// readable partial record.
import { closeSync, openSync, writeSync } from "node:fs";
import type { TimelineEvent } from "../timeline/events.js";

export class TimelineFile {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  // Synchronous appends: an event is on disk before the next one happens, even if the process dies.
  append(event: TimelineEvent): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
