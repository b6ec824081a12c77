/** Attach…'s rules as plain data (src/host/live/sourceSpecs.ts): the settings checked, socket addresses, command lines shown for confirmation, trust, recents. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addRecent, checkSocketAddress, commandLine, configuredSources, needsTrust, type RecentSource, ssCommandLine, ssSampling, sourceTitle, usableRecents } from '../../src/host/live/sourceSpecs';

describe('tcpFlowLens.liveSources', () => {
  test('well-formed entries are kept, a missing label becomes the command line, bad entries are named', () => {
    const { sources, problems } = configuredSources([
      { label: 'tun0', command: 'tcpdump', args: ['-U', '-w', '-', '-i', 'tun0'] },
      { command: 'ssh', args: ['host', 'tcpdump -U -w - -i eth0'] },
      { label: 'no command' },
      { command: 'x', args: 'not a list' },
      42,
    ]);
    assert.deepEqual(sources, [
      { label: 'tun0', command: 'tcpdump', args: ['-U', '-w', '-', '-i', 'tun0'] },
      { label: "ssh host 'tcpdump -U -w - -i eth0'", command: 'ssh', args: ['host', 'tcpdump -U -w - -i eth0'] },
    ]);
    assert.deepEqual(problems, [
      'tcpFlowLens.liveSources[2]: "command" must be a program name or path',
      'tcpFlowLens.liveSources[3]: "args" must be a list of strings',
      'tcpFlowLens.liveSources[4] is not an object',
    ]);
    assert.deepEqual(configuredSources(undefined), { sources: [], problems: [] });
    assert.deepEqual(configuredSources({}).problems, ['tcpFlowLens.liveSources is not a list']);
  });
});

describe('socket addresses', () => {
  test('tcp:HOST:PORT, [IPv6], unix:PATH and a named pipe are accepted as typed', () => {
    for (const a of ['tcp:127.0.0.1:9000', 'tcp:nat-host:1', 'tcp:[::1]:65535', 'unix:/run/nat/trace.sock', 'unix:\\\\.\\pipe\\nat-trace']) assert.deepEqual(checkSocketAddress(` ${a} `), { address: a });
  });
  test('anything else gets the reason', () => {
    assert.deepEqual(checkSocketAddress('127.0.0.1:9000'), { error: 'Type tcp:HOST:PORT or unix:PATH' });
    assert.deepEqual(checkSocketAddress('tcp:host'), { error: 'tcp: needs a host and a port, e.g. tcp:127.0.0.1:9000 or tcp:[::1]:9000' });
    assert.deepEqual(checkSocketAddress('tcp:::1:80'), { error: 'tcp: needs a host and a port, e.g. tcp:127.0.0.1:9000 or tcp:[::1]:9000' });
    assert.deepEqual(checkSocketAddress('tcp:h:0'), { error: 'Port 0 is out of range (1–65535)' });
    assert.deepEqual(checkSocketAddress('tcp:h:70000'), { error: 'Port 70000 is out of range (1–65535)' });
    assert.deepEqual(checkSocketAddress('unix:'), { error: 'unix: needs a path, e.g. unix:/run/nat/trace.sock' });
  });
});

describe('command lines and ss sampling', () => {
  test('the confirmation shows arguments with spaces or shell characters quoted', () => {
    assert.equal(commandLine('tcpdump', ['-U', '-w', '-', '-i', 'tun0']), 'tcpdump -U -w - -i tun0');
    assert.equal(commandLine('ssh', ['host', "tcpdump -w - 'port 80'"]), `ssh host 'tcpdump -w - '\\''port 80'\\'''`);
    assert.equal(commandLine('wsl.exe', ['-e', 'a;b', '']), "wsl.exe -e 'a;b' ''");
  });
  test('ss runs directly or after its prefix; a bad setting is off with its reason', () => {
    assert.deepEqual(ssSampling({ intervalMs: 200 }), { spec: { intervalMs: 200 } });
    assert.deepEqual(ssSampling({ prefix: ['ssh', 'host'] }), { spec: { prefix: ['ssh', 'host'], intervalMs: 200 } });
    assert.deepEqual(ssSampling(null), { spec: null });
    assert.equal(ssSampling({ intervalMs: 5 }).problem, 'tcpFlowLens.ssSampling.intervalMs must be a number of milliseconds, at least 20');
    assert.equal(ssSampling({ prefix: 'ssh host' }).problem, 'tcpFlowLens.ssSampling.prefix must be a list of strings');
    assert.equal(ssCommandLine({ intervalMs: 200 }), 'ss -n -tinm');
    assert.equal(ssCommandLine({ prefix: ['ip', 'netns', 'exec', 'ns1'], intervalMs: 200 }), 'ip netns exec ns1 ss -n -tinm');
  });
});

describe('trust, titles and recent sources', () => {
  const tun0 = { kind: 'command' as const, label: 'tun0', command: 'tcpdump', args: ['-U', '-w', '-', '-i', 'tun0'] };
  test('a command, a socket or ss sampling needs a trusted workspace; following a file does not', () => {
    assert.equal(needsTrust(tun0, null), true);
    assert.equal(needsTrust({ kind: 'socket', address: 'tcp:h:1' }, null), true);
    assert.equal(needsTrust({ kind: 'file', path: '/tmp/x.pcapng' }, null), false);
    assert.equal(needsTrust({ kind: 'file', path: '/tmp/x.pcapng' }, { intervalMs: 200 }), true);
  });
  test('titles', () => {
    assert.equal(sourceTitle(tun0), 'tun0');
    assert.equal(sourceTitle({ kind: 'file', path: '/var/log/nat/trace.jsonl' }), 'trace.jsonl');
    assert.equal(sourceTitle({ kind: 'socket', address: 'unix:/run/t.sock' }), 'unix:/run/t.sock');
  });
  test('recent sources: newest first, no duplicates, at most 8; a command only while the setting lists it', () => {
    let recent: RecentSource[] = [];
    for (let i = 0; i < 10; i++) recent = addRecent(recent, { spec: { kind: 'socket', address: `tcp:h:${i + 1}` }, ss: false });
    recent = addRecent(recent, { spec: { kind: 'socket', address: 'tcp:h:5' }, ss: true });
    assert.deepEqual(recent.map((r) => (r.spec as { address: string }).address), ['tcp:h:5', 'tcp:h:10', 'tcp:h:9', 'tcp:h:8', 'tcp:h:7', 'tcp:h:6', 'tcp:h:4', 'tcp:h:3']);
    const withCommand = addRecent(recent, { spec: tun0, ss: false });
    assert.equal(usableRecents(withCommand, [{ label: 'tun0', command: 'tcpdump', args: tun0.args }]).length, 8);
    assert.equal(usableRecents(withCommand, []).some((r) => r.spec.kind === 'command'), false, 'a command no longer in the settings was offered');
    assert.equal(usableRecents(withCommand, [{ label: 'tun0', command: 'tcpdump', args: ['-i', 'eth0'] }]).some((r) => r.spec.kind === 'command'), false, 'a command whose arguments changed was offered');
    assert.deepEqual(usableRecents('junk', []), []);
    assert.deepEqual(usableRecents([{ spec: { kind: 'socket', address: 'tcp:bad' } }, null], []), []);
  });
});
