import { createRequire, Module } from 'node:module';

/**
 * @apollo/gateway requires the SDK of its usage telemetry as it loads
 * (dist/utilities/opentelemetry.js): OpenTelemetry's metrics SDK, its OTLP exporter, its resources
 * and four cloud resource detectors. That is some 700 modules and, on Node 20, about a second of
 * `npm start` (issue #15, goal 6). The telemetry is turned off (APOLLO_TELEMETRY_DISABLED,
 * lib/config/env.ts disableVendorTelemetry), so only the code that creates its exporter would use
 * them, and it never runs.
 *
 * Each package is entered in require's cache as a stand-in before the gateway loads. The stand-in
 * loads the real package at its first use, so behaviour is kept should that code ever run. Import
 * this module before '@apollo/gateway'. A package already loaded is left as it is, and so is one
 * that does not resolve.
 */
const TELEMETRY_SDK = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/resource-detector-azure',
] as const;

/** The packages deferred in this process (tests, diagnostics). */
export const deferredTelemetryPackages: string[] = [];

function deferGatewayTelemetry(): void {
  const ours = createRequire(import.meta.url);
  let fromGateway: NodeJS.Require;
  try {
    fromGateway = createRequire(ours.resolve('@apollo/gateway'));
  } catch {
    return;
  }
  for (const name of TELEMETRY_SDK) {
    let path: string;
    try {
      path = fromGateway.resolve(name);
    } catch {
      continue;
    }
    if (fromGateway.cache[path]) continue;
    fromGateway.cache[path] = standIn(path, fromGateway);
    deferredTelemetryPackages.push(name);
  }
}

/** A loaded module whose exports load the real one at the first look into them. */
function standIn(path: string, load: NodeJS.Require): NodeJS.Module {
  let real: object | undefined;
  const target = (): object => {
    if (real === undefined) {
      // The real module takes its own place in the cache, as if it had been required first.
      delete load.cache[path];
      real = load(path) as object;
    }
    return real;
  };
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = new Proxy(
    {},
    {
      get: (_, key): unknown => Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property as non-configurable unless its target has it so.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  return module;
}

deferGatewayTelemetry();
