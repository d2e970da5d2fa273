export { type BinderExtenderOptions, bindingArgs, createBinderExtender } from './binder-extender.js';
export { type KubernetesApi, kubernetesBinder } from './kubernetes-binder.js';
