/**
 * One-time set-up of the dependency-injection container that n8n-core 2.x reads
 * its services from, so the real engine can run inside jest quietly and without
 * touching the user's home directory.
 *
 * What n8n-core pulls out of the container while a node runs, and what we put there:
 * - `Logger` (@n8n/backend-common): every execution context asks for it. The real one
 *   builds winston transports from the global config; we register a silent stand-in
 *   (set N8N_ENGINE_DEBUG=1 to see engine logs on the console).
 * - `InstanceSettings`: every node execution context reads it in its constructor. The
 *   real constructor reads or CREATES `~/.n8n/config` (with a fresh encryption key), so
 *   we register an object built on its prototype with fixed test values instead.
 * - `ScheduledTaskManager`: `PollContext` resolves it eagerly. The real one starts a
 *   (unref'd) logging interval unless `activeInterval` is 0; we build it with 0.
 * - `Cipher` + `EncryptionKeyProxy`: used by n8n-core's `Credentials` class to encrypt
 *   and decrypt credential data. In n8n the key provider is backed by the database; we
 *   give the proxy a provider with a single fixed data key.
 * Everything else (OutboundHttp, ErrorReporter, TriggersAndPollers, …) is created
 * by the container on demand with its defaults.
 *
 * `@n8n/di` and `@n8n/backend-common` are resolved from n8n-core's own location so
 * we talk to the very container instance (and the very `Logger` class) that n8n-core
 * uses, even if npm ever stops hoisting them.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
	Cipher,
	EncryptionKeyProxy,
	InstanceSettings,
	ScheduledTaskManager,
} from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';

type ServiceToken = abstract new (...args: never[]) => unknown;

interface DiContainer {
	get<T>(token: abstract new (...args: never[]) => T): T;
	set<T>(token: abstract new (...args: never[]) => T, instance: T): void;
	has(token: ServiceToken): boolean;
}

interface EngineLogger {
	error(message: string, meta?: object): void;
	warn(message: string, meta?: object): void;
	info(message: string, meta?: object): void;
	debug(message: string, meta?: object): void;
	scoped(...scopes: unknown[]): EngineLogger;
}

const coreEntry = require.resolve('n8n-core');
const fromCore = (id: string): unknown =>
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require(require.resolve(id, { paths: [dirname(coreEntry)] }));

/** The DI container n8n-core itself uses. */
export const Container = (fromCore('@n8n/di') as { Container: DiContainer }).Container;

const LoggerClass = (fromCore('@n8n/backend-common') as { Logger: ServiceToken }).Logger;

/** Fixed, test-only instance key (never used outside this harness). */
const TEST_INSTANCE_KEY = 'n8n-nodes-kapture-engine-harness-instance-key';
/** 32-byte data key (hex) handed to n8n-core's Cipher through the key proxy. */
const TEST_DATA_KEY = createHash('sha256').update('n8n-nodes-kapture-engine-harness-dek').digest('hex');
const TEST_DATA_KEY_ID = 'engine-harness';

function createLogger(): EngineLogger {
	const verbose = !!process.env.N8N_ENGINE_DEBUG;
	const print =
		(level: string) =>
		(message: string, meta?: object): void => {
			if (!verbose) return;
			// eslint-disable-next-line no-console
			console.log(`[n8n-core ${level}] ${message}`, meta ?? '');
		};
	const logger: EngineLogger = {
		error: print('error'),
		warn: print('warn'),
		info: print('info'),
		debug: print('debug'),
		scoped: () => logger,
	};
	return logger;
}

function createInstanceSettings(): InstanceSettings {
	// Built on the real prototype so its getters (encryptionKey, isLeader, …) keep working,
	// but without running the constructor (which writes ~/.n8n/config).
	const settings = Object.create(InstanceSettings.prototype) as InstanceSettings;
	const folder = join(tmpdir(), 'n8n-nodes-kapture-engine');
	Object.assign(settings, {
		settings: { encryptionKey: TEST_INSTANCE_KEY },
		n8nFolder: folder,
		staticCacheDir: join(folder, 'cache'),
		customExtensionDir: join(folder, 'custom'),
		nodesDownloadDir: join(folder, 'nodes'),
		instanceType: 'main',
		instanceRole: 'leader',
		hostId: 'main-engine-harness',
		instanceId: createHash('sha256').update(TEST_INSTANCE_KEY).digest('hex'),
		hmacSignatureSecret: createHash('sha256').update(`hmac:${TEST_INSTANCE_KEY}`).digest('hex'),
		isMultiMainEnabled: false,
		isMultiMainLicensed: false,
		canSeedDeploymentState: false,
		enforceSettingsFilePermissions: { isSet: false, enforce: false },
	});
	return settings;
}

let initialised = false;

/** Idempotent: registers the stand-ins described above in n8n-core's container. */
export function initEngineContainer(): void {
	if (initialised) return;
	initialised = true;

	const logger = createLogger();
	Container.set(LoggerClass as abstract new (...args: never[]) => EngineLogger, logger);
	LoggerProxy.init(logger);

	const instanceSettings = createInstanceSettings();
	Container.set(InstanceSettings, instanceSettings);

	const ScheduledTaskManagerCtor = ScheduledTaskManager as unknown as new (
		settings: InstanceSettings,
		log: EngineLogger,
		config: { activeInterval: number },
	) => ScheduledTaskManager;
	Container.set(
		ScheduledTaskManager,
		new ScheduledTaskManagerCtor(instanceSettings, logger, { activeInterval: 0 }),
	);

	const cipher = Container.get(Cipher);
	const keyInfo = {
		id: TEST_DATA_KEY_ID,
		value: cipher.encryptDEKWithInstanceKey(TEST_DATA_KEY),
		algorithm: 'aes-256-gcm',
		format: 'prefixed' as const,
	};
	Container.get(EncryptionKeyProxy).setProvider({
		getActiveKey: async () => keyInfo,
		getKeyById: async (id: string) => (id === TEST_DATA_KEY_ID ? keyInfo : null),
		getLegacyKey: async () => keyInfo,
	});
}
