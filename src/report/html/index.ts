export { PageNotBuilt, renderHtml, writeHtml, writeRunHtml } from './write.js';
