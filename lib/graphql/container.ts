import type { ContainerType } from 'type-graphql';

/**
 * A minimal type-graphql container: resolver classes are registered with a factory that hands them
 * their services. Building a schema for composition needs no services, only the classes.
 */
export function resolverContainer(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- resolver constructors take any services
  factories: ReadonlyArray<readonly [new (...args: any[]) => unknown, () => unknown]>,
): ContainerType {
  const instances = new Map<unknown, unknown>();
  const byClass = new Map(factories);
  return {
    get(someClass) {
      if (!instances.has(someClass)) {
        const factory = byClass.get(someClass as never);
        if (!factory)
          throw new Error(`No factory registered for resolver ${String((someClass as { name?: string }).name)}`);
        instances.set(someClass, factory());
      }
      return instances.get(someClass);
    },
  };
}

/**
 * Services are absent when a schema is only printed (composition); resolvers never run then, so a
 * factory unwraps each service with this and fails loudly if one is missing when it does run.
 */
export function required<T>(service: T | undefined): T {
  if (!service) throw new Error('service missing: the schema was built without its services');
  return service;
}
