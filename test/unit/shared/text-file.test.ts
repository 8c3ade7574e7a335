import { csvFile, TextFile } from '../../../functions/shared/text-file';

describe('csvFile', () => {
  it('writes the header and each row on its own CRLF-terminated line, numbers as they are', () => {
    const file = csvFile('report.csv', ['name', 'calls', 'costUsd'], [['insights', 2, 0.011]]);

    expect(file).toEqual(
      new TextFile('text/csv; charset=utf-8', 'report.csv', 'name,calls,costUsd\r\ninsights,2,0.011\r\n'),
    );
  });

  it('quotes a cell with a comma, a quote or a line break, doubling its quotes', () => {
    const file = csvFile('r.csv', ['key'], [['a,b'], ['say "hi"'], ['two\nlines'], ['cr\rhere'], ['plain']]);

    expect(file.text.split('\r\n')).toEqual([
      'key',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '"cr\rhere"',
      'plain',
      '',
    ]);
  });

  it.each(['=SUM(A1:A9)', '+1', '-1', '@cmd', '\tx'])(
    'keeps a spreadsheet from running the text %j as a formula',
    (text) => {
      const [, cell] = csvFile('r.csv', ['key'], [[text]]).text.split('\r\n');

      expect(cell).toBe(`'${text}`);
    },
  );

  it('writes negative numbers as numbers', () => {
    expect(csvFile('r.csv', ['n'], [[-1]]).text).toBe('n\r\n-1\r\n');
  });
});
