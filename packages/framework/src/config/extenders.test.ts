import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { DefaultExtenderTimeoutMs, parseGoDuration } from './extenders.js';
import { parseConfiguration } from './load.js';

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

function fail(body: string): string {
  try {
    parseConfiguration(header + body, { file: 'c.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

/**
 * The extender of kube's v1 configuration reference, every field written (kubernetes.io/docs/reference/config-api/
 * kube-scheduler-config.v1/#kubescheduler-config-k8s-io-v1-Extender), with the managed resource of kube's own
 * extender integration test.
 */
const documented = `${header}clientConnection:
  kubeconfig: /etc/kubernetes/scheduler.conf
extenders:
- urlPrefix: "https://127.0.0.1:12346/scheduler"
  filterVerb: "filter"
  preemptVerb: "preempt"
  prioritizeVerb: "prioritize"
  weight: 5
  bindVerb: "bind"
  enableHTTPS: true
  tlsConfig:
    insecure: false
    serverName: extender.kube-system.svc
    caData: ${Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64')}
  httpTimeout: 30s
  nodeCacheCapable: true
  managedResources:
  - name: example.com/foo
    ignoredByScheduler: true
  ignorable: true
- urlPrefix: http://127.0.0.1:12345/api/scheduler
  filterVerb: filter
`;

describe('extenders: section', () => {
  it('loads an extender configuration written as kube documents it, with kube defaults', () => {
    const configuration = parseConfiguration(documented);
    expect(configuration.extenders).toEqual([
      {
        urlPrefix: 'https://127.0.0.1:12346/scheduler',
        filterVerb: 'filter',
        preemptVerb: 'preempt',
        prioritizeVerb: 'prioritize',
        bindVerb: 'bind',
        weight: 5,
        enableHTTPS: true,
        tlsConfig: { insecure: false, serverName: 'extender.kube-system.svc', caData: Buffer.from('-----BEGIN CERTIFICATE-----\n') },
        httpTimeoutMs: 30_000,
        nodeCacheCapable: true,
        managedResources: [{ name: 'example.com/foo', ignoredByScheduler: true }],
        ignorable: true,
      },
      {
        urlPrefix: 'http://127.0.0.1:12345/api/scheduler',
        filterVerb: 'filter',
        preemptVerb: '',
        prioritizeVerb: '',
        bindVerb: '',
        weight: 0,
        enableHTTPS: false,
        httpTimeoutMs: DefaultExtenderTimeoutMs,
        nodeCacheCapable: false,
        managedResources: [],
        ignorable: false,
      },
    ]);
  });

  it('leaves extenders out when the section is empty or absent', () => {
    expect(parseConfiguration(`${header}extenders: []\n`).extenders).toBeUndefined();
    expect(parseConfiguration(header).extenders).toBeUndefined();
  });

  it.each([
    ['- filterVerb: filter', 'extenders[0].urlPrefix: is required'],
    ['- urlPrefix: ftp://e/', 'extenders[0].urlPrefix: must be an http:// or https:// URL, got ftp://'],
    ['- urlPrefix: not a url', 'extenders[0].urlPrefix: "not a url" is not a URL'],
    [
      '- urlPrefix: http://e/\n  enableHTTPS: true',
      'extenders[0].urlPrefix: uses http:// but enableHTTPS is true: write https:// (the call would go out unencrypted)',
    ],
    ['- urlPrefix: http://e/\n  prioritizeVerb: p\n  weight: -1', 'extenders[0].weight: must have a positive weight applied to it, got -1'],
    ['- urlPrefix: http://e/\n  weight: 1.5', 'extenders[0].weight: expected integer, got number 1.5'],
    [
      '- urlPrefix: http://a/\n  bindVerb: bind\n- urlPrefix: http://b/\n  bindVerb: bind',
      'extenders: only one extender can implement bind, found 2 (extenders[0], extenders[1])',
    ],
    ['- urlPrefix: http://e/\n  managedResources: [{name: cpu}]', 'extenders[0].managedResources[0].name: invalid value "cpu": is an invalid extended resource name'],
    [
      '- urlPrefix: http://e/\n  managedResources: [{name: kubernetes.io/foo}]',
      'extenders[0].managedResources[0].name: invalid value "kubernetes.io/foo": is an invalid extended resource name',
    ],
    [
      '- urlPrefix: http://a/\n  managedResources: [{name: example.com/gpu}]\n- urlPrefix: http://b/\n  managedResources: [{name: example.com/gpu}]',
      'extenders[1].managedResources[0].name: duplicate extender managed resource name "example.com/gpu" (also extenders[0].managedResources[0].name)',
    ],
    ['- urlPrefix: http://e/\n  httpTimeout: 5', 'extenders[0].httpTimeout: expected string, got number 5'],
    ['- urlPrefix: http://e/\n  httpTimeout: 5 s', 'extenders[0].httpTimeout: invalid duration "5 s": expected e.g. "5s", "500ms" or "1m30s"'],
    ['- urlPrefix: http://e/\n  httpTimeout: -1s', 'extenders[0].httpTimeout: must not be negative'],
    ['- urlPrefix: http://e/\n  enableHttps: true', 'extenders[0]: unknown field "enableHttps"'],
    ['- urlPrefix: https://e/\n  tlsConfig: {certFile: /c.pem}', 'extenders[0].tlsConfig: a client certificate needs both a certificate (certFile/certData) and its key (keyFile/keyData)'],
    ['- urlPrefix: https://e/\n  tlsConfig: {caData: "not base64!"}', 'extenders[0].tlsConfig.caData: must be base64-encoded (kube reads it as bytes)'],
  ])('%j is rejected', (body, issue) => {
    expect(fail(`extenders:\n${body}\n`)).toBe(`c.yaml: ${issue}`);
  });

  it('reads durations as Go does', () => {
    expect(parseGoDuration('5s')).toBe(5000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('250us')).toBe(0.25);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('')).toBeUndefined();
    expect(parseGoDuration('5')).toBeUndefined();
    expect(parseGoDuration('5d')).toBeUndefined();
  });
});
