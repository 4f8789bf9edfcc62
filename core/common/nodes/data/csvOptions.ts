import { z } from 'zod';

const columnType = z.enum(['integer', 'number', 'boolean', 'category', 'text', 'date']);

/** Parsing options shared by the `data.csv` node and `weft data inspect`. */
export const csvOptionsSchema = z.object({
  delimiter: z
    .enum(['auto', ',', ';', '\t', '|'])
    .default('auto')
    .describe('Field delimiter; auto sniffs comma, semicolon, tab and pipe'),
  header: z.boolean().default(true).describe('The first row holds the column names'),
  encoding: z
    .enum(['auto', 'utf-8', 'latin1'])
    .default('auto')
    .describe('auto reads UTF-8 (with or without BOM) and falls back to Latin-1 with a warning'),
  decimal: z
    .enum(['auto', '.', ','])
    .default('auto')
    .describe('Decimal separator; auto accepts a decimal comma when the delimiter is a semicolon'),
  missingValues: z
    .array(z.string())
    .default(['NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '?', '#N/A', '-'])
    .describe('Tokens read as missing, besides an empty field'),
  types: z
    .record(z.string(), columnType)
    .default({})
    .describe('Column type overrides by column name, e.g. {"zip": "category"}'),
});

export type CsvOptions = z.output<typeof csvOptionsSchema>;
