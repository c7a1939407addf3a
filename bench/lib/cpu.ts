// CPU time, the measure that does not move with the machine's load: a busy
// neighbour stretches wall time, not the CPU a process spends on its own work.
//
// For a real n8n the figure is the whole process tree under the `n8n start`
// process (the server and its task runners): user + system time from
// /proc/<pid>/stat, read before and after a run.

import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's times (100 on Linux almost everywhere). */
function clockTicks(): number {
	if (ticksPerSecond === undefined) {
		try {
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticksPerSecond = 100;
		}
	}
	return ticksPerSecond;
}

interface ProcStat {
	pid: number;
	ppid: number;
	/** utime + stime + cutime + cstime, in clock ticks. */
	ticks: number;
	name: string;
}

function readStat(pid: number): ProcStat | undefined {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// The name (field 2) may hold spaces and parentheses: fields are counted from the last ')'.
	const close = text.lastIndexOf(')');
	const name = text.slice(text.indexOf('(') + 1, close);
	const fields = text.slice(close + 2).split(' ');
	// fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
	const ppid = Number(fields[1]);
	const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
	return { pid, ppid, ticks, name };
}

/** Every live process in the tree rooted at `rootPid`, the root first. */
export function processTree(rootPid: number): ProcStat[] {
	const all: ProcStat[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readStat(Number(entry));
		if (stat) all.push(stat);
	}
	const children = new Map<number, ProcStat[]>();
	for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
	const root = all.find((stat) => stat.pid === rootPid);
	if (!root) return [];
	const tree: ProcStat[] = [];
	const stack = [root];
	while (stack.length) {
		const next = stack.pop() as ProcStat;
		tree.push(next);
		stack.push(...(children.get(next.pid) ?? []));
	}
	return tree;
}

/**
 * CPU milliseconds (user + system, reaped children included) the process
 * tree under `rootPid` has used so far, with its members for the record.
 */
export function treeCpuMs(rootPid: number): { ms: number; processes: Array<{ pid: number; name: string; ms: number }> } {
	const tree = processTree(rootPid);
	const toMs = 1000 / clockTicks();
	const processes = tree.map((stat) => ({ pid: stat.pid, name: stat.name, ms: stat.ticks * toMs }));
	return { ms: processes.reduce((sum, p) => sum + p.ms, 0), processes };
}

/** CPU milliseconds this process has used so far (user + system). */
export function ownCpuMs(): number {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1000;
}

/**
 * A busy loop on one core (a child process of ours), to show the CPU figures
 * hold at another machine load. stop() ends exactly that process.
 */
export function startBusyLoop(): { pid: number | undefined; stop(): Promise<void> } {
	const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
	return {
		pid: child.pid,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGKILL');
			await exited;
		},
	};
}

/** The 1-minute load average, as /proc/loadavg says it. */
export function loadAverage(): number {
	try {
		return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
	} catch {
		return NaN;
	}
}
