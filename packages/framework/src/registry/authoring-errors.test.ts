import { describe, expect, it } from 'vitest';
import { CycleState, StateKey } from '../cycle-state/cycle-state.js';
import { InjectionError, inject, injectable, injectionProtocol, sharedInjections, thisFrameworkCopy } from '../di.js';
import type { Plugin } from '../plugins/extension-points.js';
import { PreFilterResult } from '../plugins/extension-points.js';
import type { Handle } from '../plugins/handle.js';
import { Framework } from '../runtime/framework.js';
import { Status } from '../status/status.js';
import { closestName } from './authoring-errors.js';
import { definePlugin } from './define-plugin.js';
import { type PluginModule, Registry, RegistryError } from './registry.js';
import { Tokens } from './tokens.js';

/** Builds a one-profile framework with `enabled` turned on at `point` (multiPoint by default). */
function build(registry: Registry, enabled: string[], point = 'multiPoint'): Framework {
  return new Framework({
    profile: { schedulerName: 't', plugins: { [point]: { enabled: enabled.map((name) => ({ name })), disabled: [] } }, pluginConfig: [] },
    registry,
  });
}

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

const module = (name: string, register: (registry: Registry) => void): PluginModule => ({ name, frameworkRange: '*', register });

describe('constructing plugins, whichever framework copy decorated them', () => {
  it('builds a plugin from the shared records alone (decorated by another compatible copy, unknown to tsyringe here)', () => {
    class GoldTier {
      readonly name = 'GoldTier';
      constructor(
        readonly args: { tier: string },
        readonly handle: Handle,
        readonly configured: string,
      ) {}
      score(): number {
        return 1;
      }
    }
    // What another copy's @injectable()/@inject write: a record on globalThis naming that copy.
    sharedInjections().records.set(GoldTier, {
      injectable: true,
      parameters: [
        { token: Tokens.Args, all: false },
        { token: Tokens.Handle, all: false },
        { token: Tokens.Name, all: false },
      ],
      copy: { version: thisFrameworkCopy.version, path: '/elsewhere/node_modules/@schedkit/framework', protocol: injectionProtocol },
    });
    const registry = new Registry().use(module('@acme/gold', (r) => r.register({ name: 'GoldTier', plugin: GoldTier, args: { safeParse: (input) => ({ success: true, data: input as { tier: string } }) } })));
    const framework = new Framework({
      profile: { schedulerName: 't', plugins: { score: { enabled: [{ name: 'GoldTier' }], disabled: [] } }, pluginConfig: [{ name: 'GoldTier', args: { tier: 'gold' } }] },
      registry,
    });
    const plugin = framework.plugins.get('GoldTier') as GoldTier;
    expect(plugin).toBeInstanceOf(GoldTier);
    expect(plugin.args).toEqual({ tier: 'gold' });
    expect(plugin.handle).toBe(framework);
    expect(plugin.configured).toBe('GoldTier');
  });

  it('names both copies and the fix when the class was decorated by an incompatible copy', () => {
    class Future {
      readonly name = 'Future';
      constructor(readonly args: unknown) {}
      filter(): null {
        return null;
      }
    }
    sharedInjections().records.set(Future, {
      injectable: true,
      parameters: [{ token: Tokens.Args, all: false }],
      copy: { version: '1.0.0', path: '/plugin/node_modules/@schedkit/framework', protocol: injectionProtocol + 1 },
    });
    const registry = new Registry().use(module('@acme/future', (r) => r.register({ name: 'Future', plugin: Future })));
    const error = thrown(() => build(registry, ['Future'], 'filter'));
    expect(error).toBeInstanceOf(InjectionError);
    expect(error.message).toBe(
      `plugin "Future" (class Future, registered by @acme/future): the class was decorated by @schedkit/framework 1.0.0 at /plugin/node_modules/@schedkit/framework, which cannot share plugins with @schedkit/framework ${thisFrameworkCopy.version} at ${thisFrameworkCopy.path} that builds the scheduler: install one compatible version (npm ls @schedkit/framework shows both; widen the plugin's peer range to include ${thisFrameworkCopy.version} and run npm dedupe)`,
    );
  });

  it('names both copies when a module built with definePlugin comes from an incompatible copy', () => {
    const plugin = { ...definePlugin({ packageName: '@acme/old', name: 'Old', frameworkRange: '*', plugin: class Old { readonly name = 'Old'; } }) };
    plugin.framework = { version: '9.0.0', path: '/old/node_modules/@schedkit/framework', protocol: injectionProtocol + 1 };
    expect(() => new Registry().use(plugin)).toThrow(
      new RegistryError(
        `@acme/old was built with @schedkit/framework 9.0.0 at /old/node_modules/@schedkit/framework, which cannot share plugins with @schedkit/framework ${thisFrameworkCopy.version} at ${thisFrameworkCopy.path}: install one compatible version (npm ls @schedkit/framework shows both; npm dedupe)`,
      ),
    );
  });

  const missing = (className: string) =>
    `plugin "${className}" (class ${className}, registered by @acme/forgetful): the class is not marked @injectable(), so its constructor's parameters are unknown: add @injectable() above class ${className} and @inject(...) before each constructor parameter, importing both from @schedkit/framework (tsyringe's own decorators from another install are not seen)`;

  it('says a class without @injectable() is not marked, naming the class and the package', () => {
    class Forgetful {
      readonly name = 'Forgetful';
      constructor(readonly args: unknown) {}
      filter(): null {
        return null;
      }
    }
    const registry = new Registry().use(module('@acme/forgetful', (r) => r.register({ name: 'Forgetful', plugin: Forgetful })));
    const error = thrown(() => build(registry, ['Forgetful']));
    expect(error).toBeInstanceOf(InjectionError);
    expect(error.message).toBe(missing('Forgetful'));
  });

  it('says so too when the parameters have @inject but the class has no @injectable()', () => {
    class HalfDone {
      readonly name = 'HalfDone';
      constructor(@inject(Tokens.Args) readonly args: unknown) {}
      filter(): null {
        return null;
      }
    }
    const registry = new Registry().use(module('@acme/forgetful', (r) => r.register({ name: 'HalfDone', plugin: HalfDone })));
    expect(thrown(() => build(registry, ['HalfDone'])).message).toBe(missing('HalfDone'));
  });

  it('lists the loaded framework copies when there are several', () => {
    class Old {
      readonly name = 'Old';
      constructor(readonly args: unknown) {}
      filter(): null {
        return null;
      }
    }
    const { copies } = sharedInjections();
    const old = { version: '0.0.9', path: '/plugin/node_modules/@schedkit/framework', protocol: injectionProtocol };
    copies.push(old);
    try {
      const registry = new Registry().use(module('@acme/forgetful', (r) => r.register({ name: 'Old', plugin: Old })));
      expect(thrown(() => build(registry, ['Old'])).message).toBe(
        `${missing('Old')}; copies of @schedkit/framework loaded: ${thisFrameworkCopy.version} at ${thisFrameworkCopy.path}, 0.0.9 at /plugin/node_modules/@schedkit/framework`,
      );
    } finally {
      copies.splice(copies.indexOf(old), 1);
    }
  });

  it('names a constructor parameter without a token', () => {
    @injectable()
    class Untokened {
      readonly name = 'Untokened';
      constructor(
        @inject(Tokens.Args) readonly args: unknown,
        readonly extra: string,
      ) {}
      filter(): null {
        return null;
      }
    }
    const registry = new Registry().use(module('@acme/untokened', (r) => r.register({ name: 'Untokened', plugin: Untokened })));
    expect(thrown(() => build(registry, ['Untokened'])).message).toBe(
      'plugin "Untokened" (class Untokened, registered by @acme/untokened): constructor parameter 1 has no token: add @inject(Tokens.Args), @inject(Tokens.Handle) or @inject(Tokens.Name) (from @schedkit/framework) before it',
    );
  });
});

describe('authoring mistakes', () => {
  @injectable()
  class Misspelt {
    readonly name = 'Misspelt';
    scroe(): number {
      return 0;
    }
  }
  const registry = (): Registry => new Registry().use(module('@acme/misspelt', (r) => r.register({ name: 'Misspelt', plugin: Misspelt })));

  it('names the plugin, the point and the missing method of a plugin enabled at a point', () => {
    expect(thrown(() => build(registry(), ['Misspelt'], 'score')).message).toBe(
      'profiles[0].plugins.score.enabled[0].name: plugin "Misspelt" does not implement the score extension point: class Misspelt has no score() method (it has scroe(): a misspelling?)',
    );
  });

  it('rejects a multiPoint plugin that serves no point, naming the near miss', () => {
    expect(thrown(() => build(registry(), ['Misspelt'])).message).toBe(
      'profiles[0].plugins.multiPoint.enabled[0].name: plugin "Misspelt" is enabled in multiPoint but implements no extension point: class Misspelt has none of the extension point methods (it has scroe(): did you mean score()?)',
    );
  });

  it('suggests the closest registered plugin for an unknown name', () => {
    const message = thrown(() => build(registry(), ['Mispelt'], 'score')).message;
    expect(message).toBe(
      `profiles[0].plugins.score.enabled[0].name: unknown plugin "Mispelt": did you mean "Misspelt"? (a plugin comes from kube's defaults, a package in the configuration's plugins: list, or registry.use() in code)`,
    );
  });

  it('names both packages of a duplicate registration', () => {
    const twice = registry();
    expect(() => twice.use(module('@other/misspelt', (r) => r.register({ name: 'Misspelt', plugin: Misspelt })))).toThrow(
      new RegistryError('plugin "Misspelt" is registered twice: by @acme/misspelt and by @other/misspelt'),
    );
  });

  it.each([
    ['scroe', ['score', 'filter'], 'score'],
    ['NodeAffinty', ['NodeAffinity', 'NodePorts'], 'NodeAffinity'],
    ['gpu', ['NodeAffinity'], undefined],
  ])('closestName(%s) is %s', (name, candidates, expected) => {
    expect(closestName(name, candidates)).toBe(expected);
  });
});

describe('definePlugin', () => {
  @injectable()
  class Rack implements Plugin {
    readonly name = 'Rack';
    constructor(@inject(Tokens.Args) readonly args: { key: string }) {}
    filter(): null {
      return null;
    }
  }
  const schema = { safeParse: (input: unknown) => ({ success: true as const, data: { key: String((input as { key?: string }).key ?? 'rack') } }) };

  it('makes a module that registers the plugin with its schema', () => {
    const plugin = definePlugin({ packageName: '@acme/rack', name: 'Rack', frameworkRange: '^0.1.0', args: schema, plugin: Rack });
    expect(plugin).toMatchObject({ name: '@acme/rack', pluginName: 'Rack', frameworkRange: '^0.1.0', framework: thisFrameworkCopy });
    const registry = new Registry().use(plugin);
    expect(registry.registeredBy('Rack')).toBe('@acme/rack');
    expect(registry.parseArgs('Rack', {})).toEqual({ key: 'rack' });
  });

  it('refuses, at type level, a schema whose output the constructor does not take', () => {
    const numbers = { safeParse: (_input: unknown) => ({ success: true as const, data: { key: 1 } }) };
    // @ts-expect-error the schema gives { key: number }, Rack takes { key: string }
    definePlugin({ packageName: '@acme/rack', name: 'Rack', frameworkRange: '^0.1.0', args: numbers, plugin: Rack });
  });
});

describe('values made by another framework copy', () => {
  it('are recognized as Status and PreFilterResult (brand under Symbol.for)', () => {
    const foreignStatus = Object.create({ [Symbol.for('@schedkit/framework/Status')]: true }) as object;
    const foreignResult = Object.create({ [Symbol.for('@schedkit/framework/PreFilterResult')]: true }) as object;
    expect(foreignStatus instanceof Status).toBe(true);
    expect(foreignResult instanceof PreFilterResult).toBe(true);
    expect({} instanceof Status).toBe(false);
    expect(Status.skip instanceof PreFilterResult).toBe(false);
  });

  it('keep StateKey slots apart: the slot counter is shared on globalThis', () => {
    const shared = (globalThis as Record<symbol, { next: number }>)[Symbol.for('@schedkit/framework/state-key-slots')]!;
    const before = shared.next;
    const key = new StateKey<number>('one');
    expect(key.slot).toBe(before);
    expect(shared.next).toBe(before + 1);
    const state = new CycleState();
    state.write(key, 1);
    expect(state.read(key)).toBe(1);
  });
});

describe('a plugin in plain JavaScript (docs/writing-a-plugin.md section 15)', () => {
  it('is built from decorators applied by hand', () => {
    class Rack {
      name = 'Rack';
      constructor(readonly args: { labelKey: string }) {}
      filter(): null {
        return null;
      }
    }
    inject(Tokens.Args)(Rack, undefined, 0);
    injectable()(Rack);
    const plugin = definePlugin({
      packageName: 'schedkit-plugin-rack',
      name: 'Rack',
      frameworkRange: '*',
      args: { safeParse: (input: unknown) => ({ success: true as const, data: { labelKey: 'acme.io/rack', ...(input as object) } }) },
      plugin: Rack,
    });
    const framework = build(new Registry().use(plugin), ['Rack'], 'filter');
    expect((framework.plugins.get('Rack') as Rack).args).toEqual({ labelKey: 'acme.io/rack' });
  });
});
