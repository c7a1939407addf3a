// Throwaway Postgres and Redis servers for n8n's queue mode, from Debian's
// packages: installed with apt-get when missing, data in a temporary folder,
// listening on 127.0.0.1 on free ports, removed again by stop().
//
// Postgres refuses to run as root (initdb says so), so when this runs as root
// its commands run as the `postgres` user the Debian package creates (runuser).
//
// Plain ESM, no dependencies.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort } from '../../../scripts/n8n/instance.mjs';
import { spawnInGroup } from '../../../scripts/n8n/process.mjs';

const TAG = '[queue-services]';

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** Runs a command to completion; resolves {code, out}; rejects when it cannot start. */
function run(cmd, args, { env, timeoutMs = 15 * 60_000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? signal, out });
		});
	});
}

async function mustRun(cmd, args, options) {
	const r = await run(cmd, args, options);
	if (r.code !== 0) throw new Error(`${TAG} ${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${r.out.slice(-4000)}`);
	return r.out;
}

/** The bin folder of the newest Postgres server Debian installed, or null. */
export function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	let versions = [];
	try {
		versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')) && fs.existsSync(path.join(root, v, 'bin', 'initdb')));
	} catch {
		return null;
	}
	versions.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : null;
}

/** redis-server's path, or null. */
export function redisServerBin() {
	for (const dir of (process.env.PATH || '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
		const file = path.join(dir, 'redis-server');
		if (dir && fs.existsSync(file)) return file;
	}
	return null;
}

/**
 * Installs Debian's `postgresql` and `redis-server` when their server binaries
 * are missing (`apt-get update`, then `apt-get install -y`). While installing,
 * a policy-rc.d (if the machine has none) keeps the packages from starting
 * their system services: we start our own.
 * @returns {Promise<{installed: string[], ms: number}>}
 */
export async function ensureServerPackages({ log = () => {} } = {}) {
	const started = Date.now();
	const missing = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!redisServerBin()) missing.push('redis-server');
	if (missing.length === 0) return { installed: [], ms: Date.now() - started };

	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const sudo = isRoot ? [] : ['sudo', '-n'];
	const cmd = (args) => (sudo.length ? [sudo[0], [...sudo.slice(1), ...args]] : [args[0], args.slice(1)]);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = isRoot && !fs.existsSync(policy);
	log(`installing ${missing.join(' and ')} from Debian (apt-get update + install)`);
	try {
		if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\n# written by n8n-nodes-kapture test:e2e:queue while it installs; removed after\nexit 101\n', { mode: 0o755 });
		await mustRun(...cmd(['apt-get', 'update']), { env });
		await mustRun(...cmd(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]), { env });
	} catch (e) {
		if (!isRoot && /sudo/.test(String(e.message))) {
			throw new Error(`${TAG} ${missing.join(', ')} missing and this user cannot install them: run \`sudo apt-get install -y ${missing.join(' ')}\` once`);
		}
		throw e;
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
	if (!postgresBinDir() || !redisServerBin()) throw new Error(`${TAG} apt-get install ${missing.join(' ')} finished but the server binaries are still missing`);
	return { installed: missing, ms: Date.now() - started };
}

/**
 * A new Postgres cluster in a temporary folder, on 127.0.0.1:<free port>,
 * trust authentication, with a database for n8n. Durability switched off
 * (fsync, synchronous commit): the data is thrown away anyway.
 * @returns {Promise<{host, port, user, password, database, dir, query(sql): Promise<string[][]>, stop(): Promise<void>, ms}>}
 */
export async function startPostgres(options = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-pg-'));
	try {
		return await startPostgresIn(dir, options);
	} catch (e) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw e;
	}
}

async function startPostgresIn(dir, { database = 'n8n', log = () => {} }) {
	const started = Date.now();
	const bin = postgresBinDir();
	if (!bin) throw new Error(`${TAG} no Postgres server under /usr/lib/postgresql/*/bin: call ensureServerPackages() first`);
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	fs.mkdirSync(socketDir);
	// initdb and postgres refuse root: run them as the postgres user.
	const asOwner = (cmd, args) => (isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
	if (isRoot) {
		const uid = Number((await mustRun('id', ['-u', 'postgres'])).trim());
		const gid = Number((await mustRun('id', ['-g', 'postgres'])).trim());
		fs.chownSync(dir, uid, gid);
		fs.chownSync(socketDir, uid, gid);
	}
	await mustRun(...asOwner(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']));
	const port = await freePort();
	const server = spawnInGroup(
		...asOwner(path.join(bin, 'postgres'), [
			'-D', dataDir,
			'-p', String(port),
			'-k', socketDir,
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
		]),
		{ label: 'postgres' },
	);
	const psqlBin = fs.existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
	const psql = (sql, db = database) =>
		run(psqlBin, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeoutMs: 60_000 });
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.hasExited()) throw new Error(`${TAG} postgres exited at start:\n${server.output()}`);
		const r = await psql('select 1', 'postgres').catch(() => ({ code: 1 }));
		if (r.code === 0) break;
		if (Date.now() > deadline) {
			await server.stop('SIGKILL');
			throw new Error(`${TAG} postgres not ready after 60 s:\n${server.output()}`);
		}
		await sleep(200);
	}
	const created = await psql(`CREATE DATABASE ${database}`, 'postgres');
	if (created.code !== 0) {
		await server.stop('SIGINT');
		throw new Error(`${TAG} CREATE DATABASE failed: ${created.out}`);
	}
	log(`postgres ${path.basename(path.dirname(bin))} on 127.0.0.1:${port} (data in ${dataDir})`);
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password: '',
		database,
		dir,
		ms: Date.now() - started,
		output: server.output,
		/** Rows of a query as arrays of strings (psql's unaligned output). */
		async query(sql) {
			const r = await psql(sql);
			if (r.code !== 0) throw new Error(`${TAG} query failed: ${sql}\n${r.out}`);
			return r.out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
		},
		async stop() {
			// SIGINT is Postgres's "fast shutdown": disconnects clients, exits cleanly.
			await server.stop('SIGINT', 15_000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** One RESP command over TCP, e.g. redisCommand(port, 'PING') → '+PONG'. */
export function redisCommand(port, ...words) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
		socket.on('connect', () => socket.write(`*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(String(w))}\r\n${w}\r\n`).join('')}`));
		socket.on('data', (d) => {
			answer += d;
			if (answer.endsWith('\r\n')) {
				socket.end();
				resolve(answer.trim());
			}
		});
		socket.on('error', reject);
	});
}

/**
 * A Redis server on 127.0.0.1:<free port>, nothing persisted, its folder removed by stop().
 * @returns {Promise<{host, port, stop(): Promise<void>, ms}>}
 */
export async function startRedis({ log = () => {} } = {}) {
	const started = Date.now();
	const bin = redisServerBin();
	if (!bin) throw new Error(`${TAG} no redis-server on this machine: call ensureServerPackages() first`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kapture-redis-'));
	const port = await freePort();
	const server = spawnInGroup(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { label: 'redis' });
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (server.hasExited()) throw new Error(`${TAG} redis-server exited at start:\n${server.output()}`);
		const pong = await redisCommand(port, 'PING').catch(() => '');
		if (pong === '+PONG') break;
		if (Date.now() > deadline) {
			await server.stop('SIGKILL');
			throw new Error(`${TAG} redis-server not ready after 30 s:\n${server.output()}`);
		}
		await sleep(100);
	}
	log(`redis ${bin} on 127.0.0.1:${port}`);
	return {
		host: '127.0.0.1',
		port,
		ms: Date.now() - started,
		output: server.output,
		async stop() {
			await server.stop('SIGTERM', 10_000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
