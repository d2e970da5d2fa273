#!/usr/bin/env node
// Writes a cluster dump as `kubectl get nodes -o yaml` and `kubectl get pods -A -o yaml` print it (managed fields,
// annotations, probes, statuses: about 7.7 KB a pod), for the size test and the big-input benchmark:
//   node scripts/kubectl-dump.mjs <dir> [pods=6500] [nodes=500]
// writes <dir>/nodes.yaml and <dir>/pods.yaml (6,500 pods is about 50 MB). Every 50th pod is pending.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, podsArg = '6500', nodesArg = '500'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: kubectl-dump.mjs <dir> [pods] [nodes]\n');
  process.exit(2);
}
const podCount = Number(podsArg);
const nodeCount = Number(nodesArg);
mkdirSync(dir, { recursive: true });

function write(file, lines) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    out.on('finish', resolve);
    let i = 0;
    const pump = () => {
      while (i < lines.length || typeof lines.next === 'function') {
        const chunk = typeof lines.next === 'function' ? lines.next() : { value: lines[i++], done: i > lines.length };
        if (chunk.done) break;
        if (!out.write(chunk.value)) return void out.once('drain', pump);
      }
      out.end();
    };
    pump();
  });
}

function* nodes() {
  yield 'apiVersion: v1\nitems:\n';
  for (let n = 0; n < nodeCount; n++) {
    yield `- apiVersion: v1
  kind: Node
  metadata:
    annotations:
      node.alpha.kubernetes.io/ttl: "0"
      volumes.kubernetes.io/controller-managed-attach-detach: "true"
    creationTimestamp: "2025-01-01T00:00:00Z"
    labels:
      kubernetes.io/arch: amd64
      kubernetes.io/hostname: node-${n}
      kubernetes.io/os: linux
      topology.kubernetes.io/zone: zone-${n % 3}
    name: node-${n}
    resourceVersion: "${1000 + n}"
    uid: 00000000-0000-4000-8000-${String(n).padStart(12, '0')}
  spec:
    podCIDR: 10.${n >> 8}.${n & 255}.0/24
  status:
    allocatable:
      cpu: "32"
      ephemeral-storage: 100Gi
      memory: 128Gi
      pods: "110"
    capacity:
      cpu: "32"
      ephemeral-storage: 100Gi
      memory: 128Gi
      pods: "110"
    conditions:
    - lastHeartbeatTime: "2025-01-01T00:00:00Z"
      lastTransitionTime: "2025-01-01T00:00:00Z"
      message: kubelet is posting ready status
      reason: KubeletReady
      status: "True"
      type: Ready
    nodeInfo:
      architecture: amd64
      containerRuntimeVersion: containerd://1.7.0
      kernelVersion: 6.1.0
      kubeletVersion: v1.35.0
      operatingSystem: linux
`;
  }
  yield 'kind: List\nmetadata:\n  resourceVersion: ""\n';
}

function lastApplied(app) {
  const env = Array.from({ length: 24 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-${app}` }));
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'main', env }] } } } });
}

function* pods() {
  yield 'apiVersion: v1\nitems:\n';
  for (let p = 0; p < podCount; p++) {
    const app = `app-${p % 97}`;
    const name = `${app}-7c9d8f6b5-${String(p).padStart(5, 'x')}`;
    const pending = p % 50 === 49;
    const node = `node-${p % nodeCount}`;
    yield `- apiVersion: v1
  kind: Pod
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        ${lastApplied(app)}
      kubectl.kubernetes.io/restartedAt: "2025-01-01T00:00:00Z"
      prometheus.io/port: "9090"
      prometheus.io/scrape: "true"
    creationTimestamp: "2025-01-01T00:00:00Z"
    generateName: ${app}-7c9d8f6b5-
    labels:
      app.kubernetes.io/name: ${app}
      app.kubernetes.io/part-of: shop
      pod-template-hash: 7c9d8f6b5
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:generateName: {}
          f:labels:
            .: {}
            f:app.kubernetes.io/name: {}
            f:pod-template-hash: {}
          f:ownerReferences:
            .: {}
            k:{"uid":"11111111-0000-4000-8000-000000000000"}: {}
        f:spec:
          f:containers:
            k:{"name":"main"}:
              .: {}
              f:image: {}
              f:imagePullPolicy: {}
              f:name: {}
              f:ports:
                .: {}
                k:{"containerPort":8080,"protocol":"TCP"}:
                  .: {}
                  f:containerPort: {}
                  f:protocol: {}
              f:resources:
                .: {}
                f:limits:
                  .: {}
                  f:memory: {}
                f:requests:
                  .: {}
                  f:cpu: {}
                  f:memory: {}
      manager: kube-controller-manager
      operation: Update
      time: "2025-01-01T00:00:00Z"
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:conditions:
            k:{"type":"ContainersReady"}:
              .: {}
              f:lastProbeTime: {}
              f:lastTransitionTime: {}
              f:status: {}
              f:type: {}
            k:{"type":"Ready"}:
              .: {}
              f:lastProbeTime: {}
              f:lastTransitionTime: {}
              f:status: {}
              f:type: {}
          f:containerStatuses: {}
          f:hostIP: {}
          f:phase: {}
          f:podIP: {}
          f:startTime: {}
      manager: kubelet
      operation: Update
      subresource: status
      time: "2025-01-01T00:00:00Z"
    name: ${name}
    namespace: ns-${p % 13}
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: ReplicaSet
      name: ${app}-7c9d8f6b5
      uid: 11111111-0000-4000-8000-000000000000
    resourceVersion: "${100000 + p}"
    uid: 22222222-0000-4000-8000-${String(p).padStart(12, '0')}
  spec:
    containers:
    - env:
      - name: LOG_LEVEL
        value: info
      - name: POD_NAME
        valueFrom:
          fieldRef:
            apiVersion: v1
            fieldPath: metadata.name
      image: registry.example/shop/${app}:1.${p % 7}.0
      imagePullPolicy: IfNotPresent
      livenessProbe:
        failureThreshold: 3
        httpGet:
          path: /healthz
          port: 8080
          scheme: HTTP
        periodSeconds: 10
        successThreshold: 1
        timeoutSeconds: 1
      name: main
      ports:
      - containerPort: 8080
        protocol: TCP
      readinessProbe:
        failureThreshold: 3
        httpGet:
          path: /ready
          port: 8080
          scheme: HTTP
        periodSeconds: 5
        successThreshold: 1
        timeoutSeconds: 1
      resources:
        limits:
          memory: 512Mi
        requests:
          cpu: 100m
          memory: 256Mi
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
      - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
        name: kube-api-access-${p % 1000}
        readOnly: true
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
${pending ? '' : `    nodeName: ${node}\n`}    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    - effect: NoExecute
      key: node.kubernetes.io/unreachable
      operator: Exists
      tolerationSeconds: 300
    volumes:
    - name: kube-api-access-${p % 1000}
      projected:
        defaultMode: 420
        sources:
        - serviceAccountToken:
            expirationSeconds: 3607
            path: token
        - configMap:
            items:
            - key: ca.crt
              path: ca.crt
            name: kube-root-ca.crt
        - downwardAPI:
            items:
            - fieldRef:
                apiVersion: v1
                fieldPath: metadata.namespace
              path: namespace
  status:
${
  pending
    ? `    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2025-01-01T00:00:00Z"
      message: '0/${nodeCount} nodes are available'
      reason: Unschedulable
      status: "False"
      type: PodScheduled
    phase: Pending
    qosClass: Burstable
`
    : `    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2025-01-01T00:00:00Z"
      status: "True"
      type: Initialized
    - lastProbeTime: null
      lastTransitionTime: "2025-01-01T00:00:00Z"
      status: "True"
      type: Ready
    - lastProbeTime: null
      lastTransitionTime: "2025-01-01T00:00:00Z"
      status: "True"
      type: ContainersReady
    - lastProbeTime: null
      lastTransitionTime: "2025-01-01T00:00:00Z"
      status: "True"
      type: PodScheduled
    containerStatuses:
    - containerID: containerd://${String(p).padStart(64, 'a')}
      image: registry.example/shop/${app}:1.${p % 7}.0
      imageID: registry.example/shop/${app}@sha256:${String(p).padStart(64, 'b')}
      lastState: {}
      name: main
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2025-01-01T00:00:00Z"
    hostIP: 10.0.${(p % nodeCount) >> 8}.${(p % nodeCount) & 255}
    phase: Running
    podIP: 10.1.${p >> 8}.${p & 255}
    qosClass: Burstable
    startTime: "2025-01-01T00:00:00Z"
`
}`;
  }
  yield 'kind: List\nmetadata:\n  resourceVersion: ""\n';
}

await write(join(dir, 'nodes.yaml'), nodes());
await write(join(dir, 'pods.yaml'), pods());
