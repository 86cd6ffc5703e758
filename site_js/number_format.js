// How the site writes a number for the reader: the one home of that format in the browser.
//
// The twin of py/biasgrad/web/number_format.py (whose docstring is the spec); the two agree
// character for character (tests/test_number_format.py runs this module under node). No DOM, no
// Plot: node imports it as it is.
//
//   missing / NaN / ±inf / not a number  "—" (U+2014)
//   0 and −0                             "0"
//   minus sign                           "−" (U+2212), also in the exponent
//   1e-4 <= |x| < 1e6                    fixed, `digits` significant digits, trailing zeros dropped
//                                        (whole units if rounding carries past `digits` digits)
//   otherwise                            scientific, `digits` − 1 significant digits: 1.2346e−5
//   rounding                             exact binary value, ties away from zero (toPrecision,
//                                        toExponential and toFixed; Python matches with decimal)

export const MINUS = "\u2212";
export const MISSING = "\u2014";
export const FIXED_LO = 1e-4;
export const FIXED_HI = 1e6;

const strip = (text) => (text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text);

export function formatNumber(value, digits = 6) {
  if (typeof value !== "number" || !Number.isFinite(value)) return MISSING;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs >= FIXED_LO && abs < FIXED_HI) {
    text = abs.toPrecision(digits);
    if (text.includes("e")) text = abs.toFixed(0); // rounding carried past `digits` integer digits
    text = strip(text);
  } else {
    const [mantissa, exponent] = abs.toExponential(digits - 2).split("e");
    text = `${strip(mantissa)}e${Number(exponent)}`;
  }
  text = text.replace("-", MINUS);
  return value < 0 ? MINUS + text : text;
}

// A data-table cell: numbers as above, null/undefined as the dash, anything else as its text.
export function formatCell(value) {
  if (typeof value === "number" || value === null || value === undefined) return formatNumber(value);
  return String(value);
}

// A log axis's tick: the format above near 1, and from 1e4 and below 1e-3 scientific with no
// trailing digits ("1e−6", "2e4"), so decade ticks stay short. Plot's default SI prefixes ("1µ",
// "100a") read badly for relative errors and losses.
export function formatLogTick(value) {
  if (!(value > 0) || (value >= 1e-3 && value < 1e4)) return formatNumber(value);
  const [mantissa, exponent] = value.toExponential().split("e");
  return `${mantissa}e${Number(exponent)}`.replace("-", MINUS);
}

// Bytes as megabytes with one decimal, as every progress line and size note shows them ("11.9").
export function megabytes(bytes) {
  return (bytes / 1e6).toFixed(1);
}
