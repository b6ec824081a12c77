// scripts/tools.mjs: the environment every nested install runs in (issue: on a fresh machine
// `npm start` could not install code-server because the nested npm read the outer run's state).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installEnvironment, onPath } from '../../scripts/tools.mjs';

/** What `npm start` exports to its script on Node 20 (read off `npm run env`), plus the user's own. */
const OUTER = {
  PATH: '/usr/local/bin:/usr/bin',
  HOME: '/root',
  NODE: '/usr/bin/node',
  INIT_CWD: '/work/main',
  npm_command: 'run-script',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  npm_lifecycle_event: 'start',
  npm_lifecycle_script: 'node scripts/start.mjs',
  npm_package_json: '/work/main/package.json',
  npm_package_name: 'tcp-flow-lens',
  npm_package_version: '0.1.0',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_local_prefix: '/work/main',
  npm_config_npm_version: '11.19.1',
  npm_config_registry: 'https://registry.example/',
  npm_config_cache: '/root/.npm',
  npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
  npm_config_nodedir: '/usr',
  https_proxy: 'http://proxy.example:3128',
};

describe('installEnvironment', () => {
  const env = installEnvironment(OUTER);

  it('drops the user agent: code-server\'s postinstall reads the Node version from it (it said v20 under Node 24)', () => {
    assert.equal(env.npm_config_user_agent, undefined);
  });

  it('drops what describes the outer run: its script, package, npm and Node binaries, folder and npm version', () => {
    for (const name of ['NODE', 'INIT_CWD', 'npm_command', 'npm_execpath', 'npm_node_execpath', 'npm_lifecycle_event', 'npm_lifecycle_script',
      'npm_package_json', 'npm_package_name', 'npm_package_version', 'npm_config_local_prefix', 'npm_config_npm_version']) {
      assert.equal(env[name], undefined, name);
    }
  });

  it('keeps the user\'s own settings (registry, cache, CA file, proxy, node-gyp headers) and the rest of the environment', () => {
    assert.deepEqual(env, {
      PATH: OUTER.PATH,
      HOME: OUTER.HOME,
      npm_config_registry: OUTER.npm_config_registry,
      npm_config_cache: OUTER.npm_config_cache,
      npm_config_cafile: OUTER.npm_config_cafile,
      npm_config_nodedir: OUTER.npm_config_nodedir,
      https_proxy: OUTER.https_proxy,
    });
  });

  it('does not change the environment it was given', () => {
    assert.equal(OUTER.npm_config_user_agent.startsWith('npm/'), true);
  });
});

describe('onPath', () => {
  it('finds an executable in a folder of PATH and nothing for a name that is nowhere', () => {
    assert.match(onPath('sh') ?? '', /\/sh$/);
    assert.equal(onPath('no-such-command-tfl'), undefined);
  });
});
