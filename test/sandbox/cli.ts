// `npm run sandbox -- --port 3900 --seed 100`: a Kapture sandbox for the demo
// and for manual runs, with the SourceHub sandbox beside it (next port up).
// It prints its test credentials on purpose.

import { startSandbox } from './server';
import { startSourceHubSandbox } from './sourcehub';
import type { SandboxOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]
  --port <n>                  port on 127.0.0.1 (default 3900; 0 = any free port)
  --seed <n>                  orders to create at start (default 0)
  --latency <ms>              latency added to every request (default 0)
  --page-size-cap <n>         largest page served (default 500)
  --cm-id <n>                 account id (default 1000298)
  --timezone-offset <min>     account timezone in minutes east of UTC (default 330)
  --partner-window-hours <n>  longest partner pull window (default 24)
  --rate-limit <n>            account-wide limit: at most n requests a second, 429 beyond (default none)
  --sourcehub-port <n>        the SourceHub sandbox's port (default: --port + 1; 0 = any free port)
  --search-delay <ms>         new API orders stay out of searches this long (default 0)
  --ties shuffled             pulls return orders with equal dates in a new order on every request (default: by id)
  --attr1-choices <a,b,...>   generated orders take custom attribute 1 from these values
                              (default: a sales channel: '', web, store, phone)
  --sourcehub-refill-carts    SourceHub fills a customer's cart again after placing an order
                              from it (demo only: SourceHub itself empties the cart)
  --literal-docs              the v1 pull as its page shows it: erpOrderId filters nothing, records lack it
  --quiet                     do not print one line per request
Env: KAPTURE_SANDBOX_USERNAME, KAPTURE_SANDBOX_PASSWORD, KAPTURE_SANDBOX_AUTH_KEY, SOURCEHUB_SANDBOX_API_KEY`;

const NUMBER_FLAGS: Record<string, keyof SandboxOptions | 'sourceHubPort'> = {
	'--port': 'port',
	'--seed': 'seed',
	'--latency': 'latencyMs',
	'--page-size-cap': 'pageSizeCap',
	'--cm-id': 'cmId',
	'--timezone-offset': 'timezoneOffsetMinutes',
	'--partner-window-hours': 'partnerWindowHours',
	'--sourcehub-port': 'sourceHubPort',
	'--search-delay': 'searchDelayMs',
};

type CliOptions = SandboxOptions & { sourceHubPort?: number; sourceHubRefillCarts?: boolean };

function parseArgs(argv: string[]): CliOptions {
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
		if (flag === '--ties') {
			const order = inline ?? argv[++i];
			if (order !== 'id' && order !== 'shuffled') {
				console.error(`--ties must be 'id' or 'shuffled'.\n${USAGE}`);
				process.exit(2);
			}
			options.tieOrder = order;
			continue;
		}
		if (flag === '--sourcehub-refill-carts') {
			options.sourceHubRefillCarts = true;
			continue;
		}
		if (flag === '--attr1-choices') {
			const list = inline ?? argv[++i];
			if (!list) {
				console.error(`--attr1-choices needs a comma-separated list.\n${USAGE}`);
				process.exit(2);
			}
			options.attr1Choices = list.split(',');
			continue;
		}
		if (flag === '--literal-docs') {
			options.literalDocs = true;
			continue;
		}
		const key = NUMBER_FLAGS[flag];
		const value = Number(inline ?? argv[++i]);
		if (flag === '--rate-limit' && Number.isFinite(value)) {
			options.accountRateLimit = { requestsPerSecond: value };
			continue;
		}
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
	return options as CliOptions;
}

/** The SourceHub sandbox on the port asked for, or on a free one when that is taken. */
async function startSourceHub(port: number, logRequests: boolean | undefined, refillCarts: boolean | undefined) {
	const apiKey = process.env.SOURCEHUB_SANDBOX_API_KEY || undefined;
	try {
		return await startSourceHubSandbox({ port, apiKey, logRequests, refillCarts });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
		return await startSourceHubSandbox({ port: 0, apiKey, logRequests, refillCarts });
	}
}

async function main(): Promise<void> {
	const { sourceHubPort, sourceHubRefillCarts, ...options } = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	const sourceHub = await startSourceHub(sourceHubPort ?? (options.port ? sandbox.port + 1 : 0), options.logRequests, sourceHubRefillCarts);
	const { username, password, authKey, cmId } = sandbox.credentials;
	console.log(
		[
			`Kapture sandbox listening on ${sandbox.baseUrl}`,
			`  username  ${username}`,
			`  password  ${password}`,
			`  auth key  ${authKey}`,
			`  cmId      ${cmId}`,
			`  orders    ${sandbox.counts().orders}`,
			...(options.accountRateLimit ? [`  limit     ${options.accountRateLimit.requestsPerSecond} requests/s for the account`] : []),
			`  state     ${sandbox.baseUrl}/__sandbox/state`,
			`SourceHub sandbox listening on ${sourceHub.baseUrl}`,
			`  api key   ${sourceHub.apiKey}`,
			`  state     ${sourceHub.origin}/__sandbox/state`,
			'Ctrl+C to stop.',
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the sandbox.`);
		Promise.all([sandbox.close(), sourceHub.close()]).then(
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
