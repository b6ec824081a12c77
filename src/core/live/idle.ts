/** Ends a source that received nothing for `seconds` (`--idle`): restarted by every arrival. */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly seconds: number | undefined,
    private readonly onIdle: () => void,
  ) {
    this.touch();
  }

  touch(): void {
    if (this.seconds === undefined) return;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(this.onIdle, this.seconds * 1000);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
