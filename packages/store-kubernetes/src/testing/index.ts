export { type ControlPlaneBinaries, controlPlaneBinaries, missingAssetsMessage } from './assets.js';
export { type ApiServerOptions, startApiServer, type TestApiServer, type TestUser } from './api-server.js';
