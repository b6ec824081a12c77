#!/usr/bin/env node
/** `tcp-flow-lens analyze | watch | note | notes | report | compare`: the core without VS Code. */
import { analyzeCommand } from './cli/analyze';
import { InputError, UsageError } from './cli/common';
import { compareCommand } from './cli/compare';
import { noteCommand, notesCommand } from './cli/notes';
import { reportCommand } from './cli/report';
import { watchCommand } from './cli/watch';

const USAGE = `usage: tcp-flow-lens COMMAND ...

  analyze [FILE] [--trace TRACE | --openvmm-log LOG] [--ss SAMPLES] [--json] [--packets]
                      read a pcap/pcapng capture (optionally gzip-compressed), a NAT's nat-flow-trace/1
                      trace (JSON Lines) or an OpenVMM consomme log, told by its content: TCP flows,
                      Wireshark-compatible analysis, stall episodes, owed window updates and findings
    --trace TRACE     the NAT's nat-flow-trace/1 trace of the same run (alone, or beside a capture: its
    --openvmm-log LOG   Recv-Q, reopen instants, reasons and drops go onto the captured packets); either
                      option takes either kind of file
    --ss SAMPLES      socket samples taken beside the capture (ss -tinm, tab-separated): measured Recv-Q
    --window-scale N  the NAT's window-scale shift where a consomme log does not show it (default 7)
    --uptime-epoch S  epoch seconds of a consomme log's uptime 0, to line its times up with a capture
    --json            print one JSON document instead of the human summary
    --packets         print one JSON object per TCP packet (JSON Lines), in file order (for a trace,
                      "frame" is the line number)

  watch SOURCE [--json] [--idle SECONDS] [--ss | --ss-prefix "CMD ARGS"] [--save FILE]
                      attach to a live source and print each stall, owed window update and finding as it
                      is detected, then the summary analyze prints (docs/live.md); SOURCE is a file to
                      follow like tail -F (format told by its content), - for stdin, tcp:HOST:PORT or
                      unix:PATH (reconnects with backoff; a disconnect is a gap). Stops at the end of the
                      stream, on Ctrl-C, or after --idle seconds without new data
    --json            one JSON object per line, flushed at once: the flow's endpoints, times in epoch
                      seconds; the last line is {"event":"end", "summary": the analyze --json document}
    --ss              sample ss -n -tinm every --ss-interval ms (default 500) for measured Recv-Q
    --ss-prefix CMD   ... run through CMD, e.g. "ip netns exec ns1" or "ssh host"
    --save FILE       write what was received to FILE at the end (as received; several capture streams
                      become one pcapng)
    --window-scale N, --uptime-epoch S   as for analyze, for a consomme log

  note FILE --frame N "TEXT"                   add a note to a packet
  note FILE --flow ID --at T "TEXT"            ... to an instant of a flow (T: seconds since the first packet)
  note FILE --flow ID --from T --to T "TEXT"   ... to a time range of a flow
  note FILE --delete NOTE_ID                   delete a note
                      notes live in FILE.tcpflowlens.json beside the capture (docs/notes.md)
  notes FILE [--json] list the notes, and the capture's own pcapng comments

  report FILE --flow ID [--from T --to T] --out DIR [--compare OTHER] [--direction ab|ba] [--no-images]
                      write DIR/report.md, timeline.svg, timeline.png (needs Chromium) and flow.pcapng
                      (the flow and range, notes as packet comments); --compare adds a before/after table;
                      the images show the direction that carried more data unless --direction says

  compare BEFORE AFTER [--json] [--flow ID --other-flow ID]
                      the matching flows of two captures side by side: throughput, stalls, stalled and owed time

exit status: 0 on success (warnings included), 2 when an input cannot be read, 1 on a usage error`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  analyze: analyzeCommand,
  watch: watchCommand,
  note: noteCommand,
  notes: notesCommand,
  report: reportCommand,
  compare: compareCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`${command && !command.startsWith('-') ? `tcp-flow-lens: unknown command ${command}\n` : ''}${USAGE}\n`);
    return 1;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tcp-flow-lens: ${err.message}\n${USAGE}\n`);
      return 1;
    }
    if (err instanceof InputError) {
      process.stderr.write(`tcp-flow-lens: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tcp-flow-lens: internal error: ${(err as Error).message ?? err}\n`);
    process.exitCode = 3;
  },
);
