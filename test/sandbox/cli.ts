// `npm run sandbox -- --port 3900 --seed 100`: a Kapture sandbox for the demo
// and for manual runs. It prints its test credentials on purpose.

import { startSandbox } from './server';
import type { SandboxOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]
  --port <n>                  port on 127.0.0.1 (default 3900; 0 = any free port)
  --seed <n>                  orders to create at start (default 0)
  --latency <ms>              latency added to every request (default 0)
  --page-size-cap <n>         largest page served (default 500)
  --cm-id <n>                 account id (default 1000298)
  --timezone-offset <min>     account timezone in minutes east of UTC (default 330)
  --partner-window-hours <n>  longest partner pull window (default 24)
  --search-delay <ms>         new API orders stay out of searches this long (default 0)
  --quiet                     do not print one line per request
Env: KAPTURE_SANDBOX_USERNAME, KAPTURE_SANDBOX_PASSWORD, KAPTURE_SANDBOX_AUTH_KEY`;

const NUMBER_FLAGS: Record<string, keyof SandboxOptions> = {
	'--port': 'port',
	'--seed': 'seed',
	'--latency': 'latencyMs',
	'--page-size-cap': 'pageSizeCap',
	'--cm-id': 'cmId',
	'--timezone-offset': 'timezoneOffsetMinutes',
	'--partner-window-hours': 'partnerWindowHours',
	'--search-delay': 'searchDelayMs',
};

function parseArgs(argv: string[]): SandboxOptions {
	const options: Record<string, unknown> = { port: 3900, logRequests: true };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		}
		if (flag === '--quiet') {
			options.logRequests = false;
			continue;
		}
		const key = NUMBER_FLAGS[flag];
		const value = Number(inline ?? argv[++i]);
		if (!key || !Number.isFinite(value)) {
			console.error(`Bad or unknown option '${flag}'.\n${USAGE}`);
			process.exit(2);
		}
		options[key] = value;
	}
	const env = process.env;
	if (env.KAPTURE_SANDBOX_USERNAME) options.username = env.KAPTURE_SANDBOX_USERNAME;
	if (env.KAPTURE_SANDBOX_PASSWORD) options.password = env.KAPTURE_SANDBOX_PASSWORD;
	if (env.KAPTURE_SANDBOX_AUTH_KEY) options.authKey = env.KAPTURE_SANDBOX_AUTH_KEY;
	return options as SandboxOptions;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	const { username, password, authKey, cmId } = sandbox.credentials;
	console.log(
		[
			`Kapture sandbox listening on ${sandbox.baseUrl}`,
			`  username  ${username}`,
			`  password  ${password}`,
			`  auth key  ${authKey}`,
			`  cmId      ${cmId}`,
			`  orders    ${sandbox.counts().orders}`,
			`  state     ${sandbox.baseUrl}/__sandbox/state`,
			'Ctrl+C to stop.',
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the sandbox.`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
