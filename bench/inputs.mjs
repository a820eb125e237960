// The fixed inputs every library answers, in the agreement check and in every timing: phone numbers as people type
// them into a form, national forms with the form's region and international forms without one.
// Published office and service numbers where one is well known, otherwise numbers shaped like a region's examples.

/** @typedef {{ input: string, region?: string }} PhoneInput */

/** The input each library normalizes first, for the time-to-first-result measurements. */
export const FIRST_INPUT = { input: "(650) 253-0000", region: "US" };

/** @type {PhoneInput[]} */
export const INPUTS = [
  // North America (+1): one country code, many regions.
  FIRST_INPUT,
  { input: "212-736-3100", region: "US" },
  { input: "+1 800 642 7676" },
  { input: "1 (415) 555-0132", region: "US" },
  { input: "011 44 20 7031 3000", region: "US" }, // international prefix as dialled from the US
  { input: "(416) 915-8200", region: "CA" },
  { input: "+1 604 555 0199" },
  // Europe.
  { input: "020 7031 3000", region: "GB" },
  { input: "07700 900123", region: "GB" },
  { input: "+44 161 496 0000" },
  { input: "00 44 7400 123456", region: "DE" }, // international prefix as dialled from Germany
  { input: "030 123456", region: "DE" },
  { input: "0151 23456789", region: "DE" },
  { input: "+49 89 839300" },
  { input: "01 42 68 53 00", region: "FR" },
  { input: "06 12 34 56 78", region: "FR" },
  { input: "+33 (0)1 23 45 67 89" }, // the "(0)" trunk prefix people keep after the country code
  { input: "02 1234 5678", region: "IT" }, // Italian fixed lines keep their leading 0
  { input: "+39 312 345 6789" },
  { input: "612 34 56 78", region: "ES" },
  { input: "+34 91 123 45 67" },
  { input: "010 123 4567", region: "NL" },
  { input: "+31 6 12345678" },
  { input: "0470 12 34 56", region: "BE" },
  { input: "044 668 18 00", region: "CH" },
  { input: "+41 78 123 45 67" },
  { input: "0664 123456", region: "AT" },
  { input: "08-12 34 56", region: "SE" },
  { input: "+46 70 123 45 67" },
  { input: "21 23 45 67", region: "NO" },
  { input: "+45 32 12 34 56" },
  { input: "040 1234567", region: "FI" },
  { input: "512 345 678", region: "PL" },
  { input: "085 012 3456", region: "IE" },
  { input: "+351 912 345 678" },
  { input: "8 (912) 345-67-89", region: "RU" },
  { input: "+7 495 644-14-00" },
  { input: "050 123 4567", region: "UA" },
  { input: "0532 123 45 67", region: "TR" },
  // Asia-Pacific.
  { input: "(02) 9374 4000", region: "AU" },
  { input: "0412 345 678", region: "AU" },
  { input: "0011 1 650 253 0000", region: "AU" }, // international prefix as dialled from Australia
  { input: "021 123 4567", region: "NZ" },
  { input: "03-6384-9000", region: "JP" },
  { input: "+81 90-1234-5678" },
  { input: "010-2000-0000", region: "KR" },
  { input: "131 2345 6789", region: "CN" },
  { input: "+86 10 1234 5678" },
  { input: "2123 4567", region: "HK" },
  { input: "+65 8123 4567" },
  { input: "080 6721 8000", region: "IN" },
  { input: "+91 98765 43210" },
  { input: "0905 123 4567", region: "PH" },
  { input: "+62 812 3456 7890" },
  { input: "0912 345 678", region: "VN" },
  { input: "081 234 5678", region: "TH" },
  // Latin America.
  { input: "(11) 96123-4567", region: "BR" },
  { input: "+55 11 2395-8400" },
  { input: "55 5342 8400", region: "MX" },
  { input: "011 15-2345-6789", region: "AR" }, // Argentine mobile as dialled locally, with the "15"
  { input: "+54 9 11 2345-6789" },
  // Africa and the Middle East.
  { input: "071 123 4567", region: "ZA" },
  { input: "0802 123 4567", region: "NG" },
  { input: "0712 123456", region: "KE" },
  { input: "010 01234567", region: "EG" },
  { input: "+971 50 123 4567" },
  { input: "٠٥٠ ١٢٣ ٤٥٦٧", region: "AE" }, // Arabic-Indic digits, as a phone keyboard types them
  { input: "+966 50 123 4567" },
  { input: "050-234-5678", region: "IL" },
  // Other shapes forms receive.
  { input: "+800 1234 5678" }, // international freephone: a number of no region
  { input: "tel:+1-650-253-0000" },
  { input: "+1 650-253-0000 ext. 123" },
  { input: "1-800-FLOWERS", region: "US" },
  // Numbers that are not valid: too short, too long, in no region's plan.
  { input: "+1 650 253 000" },
  { input: "(555) 123-4567", region: "US" },
  { input: "020 7031 30001", region: "GB" },
  { input: "+49 1234" },
];
