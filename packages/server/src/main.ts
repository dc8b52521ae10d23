import { runAsMain } from './node.js';

runAsMain();
