import type { Degree } from './model.ts';

/**
 * Names as applicants type them on GradCafe, with their canonical form. The generator
 * writes the aliases (and sloppy casing) into sample entries; the normalizer maps them
 * back, so "JHU", "johns hopkins" and "Johns Hopkins University" count as one school.
 */
export interface Named {
  name: string;
  aliases: readonly string[];
  /** Relative frequency in generated data. */
  weight: number;
}

export const UNIVERSITIES: readonly Named[] = [
  { name: 'Johns Hopkins University', aliases: ['JHU', 'Johns Hopkins'], weight: 9 },
  { name: 'Massachusetts Institute of Technology', aliases: ['MIT'], weight: 7 },
  { name: 'Stanford University', aliases: ['Stanford'], weight: 7 },
  { name: 'Carnegie Mellon University', aliases: ['CMU', 'Carnegie Mellon'], weight: 7 },
  { name: 'University of California, Berkeley', aliases: ['UC Berkeley', 'UCB', 'Berkeley'], weight: 7 },
  { name: 'Harvard University', aliases: ['Harvard'], weight: 5 },
  { name: 'Princeton University', aliases: ['Princeton'], weight: 4 },
  { name: 'Yale University', aliases: ['Yale'], weight: 4 },
  { name: 'Columbia University', aliases: ['Columbia'], weight: 5 },
  { name: 'Cornell University', aliases: ['Cornell'], weight: 5 },
  { name: 'University of Pennsylvania', aliases: ['UPenn', 'Penn'], weight: 4 },
  { name: 'Georgetown University', aliases: ['Georgetown'], weight: 4 },
  { name: 'Duke University', aliases: ['Duke'], weight: 4 },
  { name: 'Northwestern University', aliases: ['Northwestern'], weight: 4 },
  { name: 'University of Chicago', aliases: ['UChicago'], weight: 4 },
  { name: 'New York University', aliases: ['NYU'], weight: 5 },
  { name: 'University of Michigan, Ann Arbor', aliases: ['UMich', 'University of Michigan'], weight: 5 },
  { name: 'University of Washington', aliases: ['UW Seattle', 'UW'], weight: 5 },
  { name: 'Georgia Institute of Technology', aliases: ['Georgia Tech', 'GaTech'], weight: 5 },
  { name: 'University of Illinois Urbana-Champaign', aliases: ['UIUC'], weight: 5 },
  { name: 'University of Texas at Austin', aliases: ['UT Austin'], weight: 5 },
  { name: 'University of California, Los Angeles', aliases: ['UCLA'], weight: 5 },
  { name: 'University of California, San Diego', aliases: ['UCSD'], weight: 4 },
  { name: 'University of Southern California', aliases: ['USC'], weight: 4 },
  { name: 'Brown University', aliases: ['Brown'], weight: 3 },
  { name: 'Rice University', aliases: ['Rice'], weight: 2 },
  { name: 'Purdue University', aliases: ['Purdue'], weight: 3 },
  { name: 'University of Wisconsin-Madison', aliases: ['UW Madison', 'UW-Madison'], weight: 3 },
  { name: 'University of Maryland, College Park', aliases: ['UMD', 'UMD College Park'], weight: 3 },
  { name: 'Boston University', aliases: ['BU'], weight: 3 },
  { name: 'Northeastern University', aliases: ['Northeastern'], weight: 3 },
  { name: 'University of Toronto', aliases: ['UofT', 'U of T'], weight: 3 },
  { name: 'McGill University', aliases: ['McGill'], weight: 2 },
  { name: 'University of British Columbia', aliases: ['UBC'], weight: 2 },
  { name: 'The Ohio State University', aliases: ['Ohio State', 'OSU'], weight: 2 },
  { name: 'Arizona State University', aliases: ['ASU'], weight: 2 },
  { name: 'University of Minnesota, Twin Cities', aliases: ['UMN', 'University of Minnesota'], weight: 2 },
  {
    name: 'Virginia Tech',
    aliases: ['Virginia Polytechnic Institute and State University', 'VT'],
    weight: 2,
  },
];

/** Which degrees a program is usually applied for, by weight. */
export interface ProgramInfo extends Named {
  degrees: readonly (readonly [Degree, number])[];
  /** Quantitative fields, where most applicants took (and report) the GRE. */
  greHeavy: boolean;
}

const research: ProgramInfo['degrees'] = [
  ['Masters', 5],
  ['PhD', 5],
  ['Other', 0.2],
];

export const PROGRAMS: readonly ProgramInfo[] = [
  { name: 'Computer Science', aliases: ['CS', 'Comp Sci'], weight: 16, degrees: research, greHeavy: true },
  { name: 'Electrical Engineering', aliases: ['EE'], weight: 6, degrees: research, greHeavy: true },
  { name: 'Mechanical Engineering', aliases: ['ME', 'MechE'], weight: 5, degrees: research, greHeavy: true },
  {
    name: 'Data Science',
    aliases: [],
    weight: 6,
    degrees: [
      ['Masters', 9],
      ['PhD', 1],
    ],
    greHeavy: true,
  },
  { name: 'Statistics', aliases: ['Stats'], weight: 4, degrees: research, greHeavy: true },
  { name: 'Mathematics', aliases: ['Math'], weight: 4, degrees: research, greHeavy: true },
  { name: 'Applied Mathematics', aliases: ['Applied Math'], weight: 2, degrees: research, greHeavy: true },
  {
    name: 'Physics',
    aliases: [],
    weight: 3,
    degrees: [
      ['PhD', 8],
      ['Masters', 2],
    ],
    greHeavy: true,
  },
  {
    name: 'Chemistry',
    aliases: [],
    weight: 3,
    degrees: [
      ['PhD', 8],
      ['Masters', 2],
    ],
    greHeavy: true,
  },
  {
    name: 'Biology',
    aliases: [],
    weight: 3,
    degrees: [
      ['PhD', 7],
      ['Masters', 3],
    ],
    greHeavy: false,
  },
  { name: 'Biomedical Engineering', aliases: ['BME'], weight: 3, degrees: research, greHeavy: true },
  { name: 'Chemical Engineering', aliases: ['ChemE'], weight: 2, degrees: research, greHeavy: true },
  { name: 'Civil Engineering', aliases: [], weight: 2, degrees: research, greHeavy: true },
  { name: 'Materials Science', aliases: [], weight: 1, degrees: research, greHeavy: true },
  {
    name: 'Neuroscience',
    aliases: [],
    weight: 2,
    degrees: [
      ['PhD', 9],
      ['Masters', 1],
    ],
    greHeavy: false,
  },
  { name: 'Economics', aliases: ['Econ'], weight: 4, degrees: research, greHeavy: true },
  { name: 'Psychology', aliases: ['Psych'], weight: 3, degrees: research, greHeavy: false },
  {
    name: 'Clinical Psychology',
    aliases: [],
    weight: 2,
    degrees: [
      ['PhD', 6],
      ['PsyD', 4],
    ],
    greHeavy: false,
  },
  { name: 'Political Science', aliases: ['PoliSci'], weight: 2, degrees: research, greHeavy: false },
  { name: 'Sociology', aliases: [], weight: 2, degrees: research, greHeavy: false },
  {
    name: 'History',
    aliases: [],
    weight: 2,
    degrees: [
      ['PhD', 7],
      ['Masters', 3],
    ],
    greHeavy: false,
  },
  {
    name: 'English',
    aliases: [],
    weight: 2,
    degrees: [
      ['PhD', 6],
      ['Masters', 4],
    ],
    greHeavy: false,
  },
  {
    name: 'Philosophy',
    aliases: [],
    weight: 1,
    degrees: [
      ['PhD', 7],
      ['Masters', 3],
    ],
    greHeavy: false,
  },
  { name: 'Linguistics', aliases: [], weight: 1, degrees: research, greHeavy: false },
  {
    name: 'Public Health',
    aliases: ['MPH'],
    weight: 3,
    degrees: [
      ['Masters', 8],
      ['PhD', 2],
    ],
    greHeavy: false,
  },
  {
    name: 'Public Policy',
    aliases: [],
    weight: 2,
    degrees: [
      ['Masters', 8],
      ['PhD', 2],
    ],
    greHeavy: false,
  },
  { name: 'Information Science', aliases: [], weight: 2, degrees: research, greHeavy: false },
  { name: 'Business Administration', aliases: [], weight: 3, degrees: [['MBA', 1]], greHeavy: true },
  { name: 'Law', aliases: [], weight: 2, degrees: [['JD', 1]], greHeavy: false },
  { name: 'Fine Arts', aliases: [], weight: 1, degrees: [['MFA', 1]], greHeavy: false },
  { name: 'Creative Writing', aliases: [], weight: 1, degrees: [['MFA', 1]], greHeavy: false },
  {
    name: 'Education',
    aliases: [],
    weight: 2,
    degrees: [
      ['EdD', 4],
      ['Masters', 4],
      ['PhD', 2],
    ],
    greHeavy: false,
  },
];

/** Spellings of each degree seen in the wild, canonical first. */
export const DEGREE_SPELLINGS: Readonly<Record<Degree, readonly string[]>> = {
  Masters: ['Masters', 'MS', 'M.S.', "Master's", 'MA', 'MSc'],
  PhD: ['PhD', 'Ph.D.', 'phd', 'Doctorate'],
  MFA: ['MFA'],
  MBA: ['MBA'],
  JD: ['JD', 'J.D.'],
  EdD: ['EdD', 'Ed.D.'],
  PsyD: ['PsyD', 'Psy.D.'],
  Other: ['Other'],
};

export const COMMENT_PHRASES: readonly string[] = [
  'Got an email from the POI first, official letter came a week later.',
  'Funding offered with a TA for the first year.',
  'Full funding package, 5 years guaranteed.',
  'No funding for masters students, as expected.',
  'Interview was with two faculty members, about 30 minutes.',
  'Still waiting on the decision portal to update.',
  'Rejected via portal, no email.',
  'Waitlisted, they said they will know more by April 15.',
  'Pleasantly surprised given my GPA!',
  'Applied with no GRE since it was optional.',
  'Two years of industry experience, one publication.',
  'Research experience in NLP & computer vision.',
  'Visit weekend invite came with the offer.',
  'Offer includes a fellowship for year one.',
  'Decision came through the applicant portal at 3am.',
  'Good luck everyone!',
  'Third time applying, finally got in.',
  'Accepted off the waitlist.',
  'Stipend is about $40k, not great for the area.',
  'They asked about my statement of purpose a lot.',
  'Scholarship covers 50% of tuition.',
  'Email said the applicant pool was the largest ever.',
  'International student, took the TOEFL (110).',
  'Contacted by the program coordinator for an informal chat.',
];
