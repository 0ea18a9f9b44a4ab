import PDFDocument from 'pdfkit';
import type { UsageStatement } from '../domain/usage-statement';
import type { Translator } from '../i18n/translator';
import { statementView, type StatementTable } from './statement-view';

/**
 * The statement as a PDF (pdfkit, its built-in Helvetica: no font files to ship), laid out from the same view as
 * the HTML page. Landscape A4, so that the hours table and its usage event ids fit.
 */
const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/**
 * The standard fonts encode text as WinAnsi: characters outside it are replaced by ones inside it (French number
 * formatting uses a narrow no-break space; change lines an arrow).
 */
const pdfText = (text: string) => text.replace(/[\u202f\u2009]/g, '\u00a0').replace(/\u2192/g, '->');

function drawTable(doc: PDFKit.PDFDocument, tbl: StatementTable, width: number): void {
  doc.font(BOLD).fontSize(12).text(pdfText(tbl.title), MARGIN, doc.y + 8);
  doc.moveDown(0.3);
  if (!tbl.rows.length) {
    doc.font(FONT).fontSize(9).text(pdfText(tbl.empty), MARGIN);
    return;
  }
  // Column widths: by the longest text of each column, within the page.
  const longest = tbl.columns.map((c, i) => Math.max(c.length, ...tbl.rows.map((r) => (r[i] ?? '').length), 4));
  const total = longest.reduce((s, n) => s + n, 0);
  const widths = longest.map((n) => (n / total) * width);
  const row = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(8);
    const heights = cells.map((c, i) => doc.heightOfString(pdfText(c), { width: widths[i]! - 4 }));
    const height = Math.max(...heights) + 4;
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(pdfText(c), x, top + 2, { width: widths[i]! - 4, align: tbl.numeric[i] ? 'right' : 'left' });
      x += widths[i]!;
    });
    doc.x = MARGIN;
    doc.y = top + height;
  };
  row(tbl.columns, BOLD);
  for (const r of tbl.rows) row(r, FONT);
}

export function statementPdf(s: UsageStatement, t: Translator, productName: string): Promise<Buffer> {
  const v = statementView(s, t);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    info: { Title: pdfText(`${v.title} ${v.period}`), Author: pdfText(productName), Subject: s.subscriptionId },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  doc.font(BOLD).fontSize(18).text(pdfText(v.title));
  doc.font(FONT).fontSize(11).text(pdfText(`${v.period} · ${v.standing}`));
  doc.moveDown(0.5);
  for (const [k, val] of v.facts) doc.font(BOLD).fontSize(9).text(`${pdfText(k)}: `, { continued: true }).font(FONT).text(pdfText(val));
  for (const tbl of v.tables) drawTable(doc, tbl, width);
  doc.font(BOLD).fontSize(12).text(pdfText(t.t('statement.section.charges')), MARGIN, doc.y + 8);
  doc.moveDown(0.3);
  for (const [k, val] of v.charges) doc.font(BOLD).fontSize(10).text(`${pdfText(k)}: `, { continued: true }).font(FONT).text(pdfText(val));
  doc.moveDown(0.5);
  doc.font(FONT).fontSize(8).text(pdfText(v.note), { width });
  doc.text(pdfText(v.generated), { width });
  doc.end();
  return done;
}
