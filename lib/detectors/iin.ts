/**
 * The issuer identification number (IIN/BIN) table, kept as data with its source.
 *
 * Each row is an inclusive prefix range (`from`/`to`: digit strings of equal length) and the PAN
 * lengths issued in it. Where ranges overlap (Discover's 65 contains RuPay, Elo and Troy ranges;
 * RuPay's 60 contains Hipercard's 606282), the LONGEST matching prefix decides the brand, which is
 * how acquirers route: the more specific row wins.
 *
 * Sources (public): ISO/IEC 7812-1; Wikipedia "Payment card number" IIN table (revision of
 * 2024-2025), which cites the networks' own documents; Discover "IIN ranges" in the Discover
 * Global Network acquirer guide; Mastercard 2-series announcement (2016, 2221-2720); NSPK (Mir
 * 2200-2204); NPCI (RuPay); Elo and Hipercard acquirer lists as published by Cielo/Rede; Interswitch
 * (Verve); BKM (Troy); UATP (IATA). Ranges that are too broad to be useful (GPN "50, 56, 58,
 * 60-63") are left out on purpose: they would turn ordinary identifiers into candidates.
 *
 * UnionPay: nearly all 62 cards issued today pass Luhn, but some older 19-digit UnionPay cards do
 * not. The candidate pass requires Luhn for every brand (a non-Luhn rule for one brand would turn
 * every 62-prefixed 16-19 digit identifier into a PAN), so those legacy cards are a documented
 * miss.
 */
import type { IssuerRange } from '../engine/types.js';
import type { CardBrand } from './types.js';

export interface IinRange extends IssuerRange {
  readonly brand: CardBrand;
  readonly source: string;
}

const L16_19 = [16, 17, 18, 19] as const;
const WIKI = 'Wikipedia: Payment card number (IIN ranges)';

function row(
  brand: CardBrand,
  from: string,
  to: string,
  lengths: readonly number[],
  source: string = WIKI,
): IinRange {
  return { brand, from, to, lengths, source };
}

/** The issuer table. Order does not matter: lookups take the longest matching prefix. */
export const IIN_TABLE: readonly IinRange[] = [
  // Visa, including Visa Electron (4026, 417500, 4508, 4844, 4913, 4917): all 4-prefixed.
  row('visa', '4', '4', [13, 16, 19], 'Visa Core Rules; ISO/IEC 7812'),
  // Mastercard: 51-55 and the 2-series 2221-2720.
  row('mastercard', '51', '55', [16], 'Mastercard Rules'),
  row('mastercard', '2221', '2720', [16], 'Mastercard 2-series BIN announcement (2016)'),
  // American Express.
  row('amex', '34', '34', [15], 'American Express'),
  row('amex', '37', '37', [15], 'American Express'),
  // Discover Global Network (includes the UnionPay co-brand range 622126-622925).
  row('discover', '6011', '6011', L16_19, 'Discover IIN ranges'),
  row('discover', '622126', '622925', L16_19, 'Discover IIN ranges'),
  row('discover', '644', '649', L16_19, 'Discover IIN ranges'),
  row('discover', '65', '65', L16_19, 'Discover IIN ranges'),
  // JCB.
  row('jcb', '3528', '3589', L16_19, 'JCB'),
  // Diners Club International (cards are processed by Discover; 14-digit cards still exist).
  row('diners', '300', '305', [14, 16, 17, 18, 19]),
  row('diners', '3095', '3095', [14, 16, 17, 18, 19]),
  row('diners', '36', '36', [14, 15, 16, 17, 18, 19]),
  row('diners', '38', '39', [14, 16, 17, 18, 19]),
  // UnionPay (62) and its 81 range.
  row('unionpay', '62', '62', L16_19, 'UnionPay International'),
  row('unionpay', '8100', '8171', L16_19, 'UnionPay International'),
  // Maestro: the ranges Wikipedia lists for Maestro and Maestro UK.
  row('maestro', '5018', '5018', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '5020', '5020', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '5038', '5038', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '5893', '5893', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '6304', '6304', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '6759', '6759', [12, 13, 14, 15, 16, 17, 18, 19]),
  row('maestro', '6761', '6763', [12, 13, 14, 15, 16, 17, 18, 19]),
  // Mir.
  row('mir', '2200', '2204', L16_19, 'NSPK Mir'),
  // RuPay (its JCB co-branded 353/356 cards fall in JCB's 3528-3589 and report as jcb).
  row('rupay', '60', '60', [16], 'NPCI RuPay'),
  row('rupay', '6521', '6522', [16], 'NPCI RuPay'),
  row('rupay', '508', '508', [16], 'NPCI RuPay'),
  row('rupay', '82', '82', [16], 'NPCI RuPay'),
  // Elo (Brazil).
  row('elo', '401178', '401179', [16], 'Elo'),
  row('elo', '431274', '431274', [16], 'Elo'),
  row('elo', '438935', '438935', [16], 'Elo'),
  row('elo', '451416', '451416', [16], 'Elo'),
  row('elo', '457393', '457393', [16], 'Elo'),
  row('elo', '457631', '457632', [16], 'Elo'),
  row('elo', '504175', '504175', [16], 'Elo'),
  row('elo', '506699', '506778', [16], 'Elo'),
  row('elo', '509000', '509999', [16], 'Elo'),
  row('elo', '627780', '627780', [16], 'Elo'),
  row('elo', '636297', '636297', [16], 'Elo'),
  row('elo', '636368', '636368', [16], 'Elo'),
  row('elo', '650031', '650033', [16], 'Elo'),
  row('elo', '650035', '650051', [16], 'Elo'),
  row('elo', '650405', '650439', [16], 'Elo'),
  row('elo', '650485', '650538', [16], 'Elo'),
  row('elo', '650541', '650598', [16], 'Elo'),
  row('elo', '650700', '650718', [16], 'Elo'),
  row('elo', '650720', '650727', [16], 'Elo'),
  row('elo', '650901', '650978', [16], 'Elo'),
  row('elo', '651652', '651679', [16], 'Elo'),
  row('elo', '655000', '655019', [16], 'Elo'),
  row('elo', '655021', '655058', [16], 'Elo'),
  // Hipercard (Brazil).
  row('hipercard', '606282', '606282', [16, 19], 'Hipercard'),
  row('hipercard', '384100', '384100', [16, 19], 'Hipercard'),
  row('hipercard', '384140', '384140', [16, 19], 'Hipercard'),
  row('hipercard', '384160', '384160', [16, 19], 'Hipercard'),
  // Verve (Nigeria).
  row('verve', '506099', '506198', [16, 18, 19], 'Interswitch Verve'),
  row('verve', '507865', '507964', [16, 18, 19], 'Interswitch Verve'),
  row('verve', '650002', '650027', [16, 18, 19], 'Interswitch Verve'),
  // Troy (Turkey).
  row('troy', '979200', '979289', [16], 'BKM Troy'),
  // UATP (airline cards).
  row('uatp', '1', '1', [15], 'UATP'),
  // Others: Dankort, InstaPayment, InterPayment, LankaPay, Borica, UzCard, Humo.
  row('other', '5019', '5019', [16], 'Dankort'),
  row('other', '637', '639', [16], 'InstaPayment'),
  row('other', '636', '636', L16_19, 'InterPayment'),
  row('other', '357111', '357111', [16], 'LankaPay'),
  row('other', '2205', '2205', [16], 'Borica'),
  row('other', '8600', '8600', [16], 'UzCard'),
  row('other', '9860', '9860', [16], 'Humo'),
];

/** Rows by PAN length, then by first digit, in table order (brandOf runs once per card window). */
let byLengthAndDigit: (readonly IinRange[])[][] | undefined;

function rowsFor(length: number, firstDigit: number): readonly IinRange[] {
  if (!byLengthAndDigit) {
    byLengthAndDigit = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => [] as IinRange[]));
    for (const range of IIN_TABLE) {
      for (const l of range.lengths) {
        for (let d = Number(range.from[0]); d <= Number(range.to[0]); d++) (byLengthAndDigit[l]![d] as IinRange[]).push(range);
      }
    }
  }
  return byLengthAndDigit[length]?.[firstDigit] ?? [];
}

/**
 * The brand of a PAN (digits only): the longest-prefix row of the table that issues its length.
 * Returns undefined when no row matches.
 *
 * @example
 * brandOf('378282246310005') // 'amex'
 */
export function brandOf(pan: string): CardBrand | undefined {
  let best: IinRange | undefined;
  for (const range of rowsFor(pan.length, pan.charCodeAt(0) - 0x30)) {
    const prefix = pan.slice(0, range.from.length);
    if (prefix.length !== range.from.length || prefix < range.from || prefix > range.to) continue;
    if (!best || range.from.length > best.from.length) best = range;
  }
  return best?.brand;
}

/**
 * The brand suggested by the visible leading digits of a masked PAN (any length). Used for masked
 * PANs where the full length is known but only the first 1-8 digits are visible.
 */
export function brandOfPrefix(prefix: string, length: number): CardBrand | undefined {
  let best: IinRange | undefined;
  for (const range of IIN_TABLE) {
    if (!range.lengths.includes(length) || prefix.length < range.from.length) continue;
    const head = prefix.slice(0, range.from.length);
    if (head < range.from || head > range.to) continue;
    if (!best || range.from.length > best.from.length) best = range;
  }
  return best?.brand;
}

/** The table as the engine's card-window issuer ranges. */
export function issuerRanges(): IssuerRange[] {
  return IIN_TABLE.map(({ from, to, lengths }) => ({ from, to, lengths }));
}
