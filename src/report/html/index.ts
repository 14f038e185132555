export { REPORT_KINDS, kindOfFormat, type PageData, type ReportDocument, type ReportDocuments, type ReportKind } from './kinds.js';
export { PageNotBuilt, renderHtml, writeHtml, writeReportHtml } from './write.js';
