/**
 * The industry mix of the generated province (GB/T 4754 codes, see domain.md §4)
 * with what each industry implies: its pollution, air sources, regulatory weight
 * and how often it carries online monitoring.
 */

/** One industry of the mix. */
export interface IndustryProfile {
  /** Share of enterprises (relative weight). */
  weight: number;
  /** Candidate GB/T 4754 codes. */
  codes: readonly string[];
  /** Words that end a company name before 有限公司. */
  words: readonly string[];
  pollution: readonly string[];
  /** Air sources, each with its probability. */
  air: ReadonlyArray<readonly [string, number]>;
  /** Relative weights of NATIONAL_KEY, PROVINCIAL_KEY, CITY_KEY, GENERAL. */
  supervision: readonly [number, number, number, number];
  /** Relative weights of KEY, SIMPLIFIED, REGISTRATION. */
  management: readonly [number, number, number];
  /** Probability of online monitoring (bumped further for key-supervised ones). */
  online: number;
  /** Outlet types the industry has: 'DA' air, 'DW' water. */
  outlets: readonly ('DA' | 'DW')[];
}

const HEAVY: IndustryProfile['supervision'] = [10, 25, 35, 30];
const MID: IndustryProfile['supervision'] = [1, 6, 20, 73];
const LIGHT: IndustryProfile['supervision'] = [0.1, 1, 8, 90.9];

/** The industries, heavy polluters first. */
export const INDUSTRIES: readonly IndustryProfile[] = [
  {
    weight: 1.2,
    codes: ['D4411'],
    words: ['热电', '发电', '能源'],
    pollution: ['AIR', 'WATER', 'SOLID_HAZARDOUS_WASTE', 'NOISE'],
    air: [
      ['COAL_BOILER', 0.9],
      ['DUST', 0.6],
    ],
    supervision: [35, 35, 20, 10],
    management: [95, 5, 0],
    online: 0.9,
    outlets: ['DA', 'DA', 'DW'],
  },
  {
    weight: 1.0,
    codes: ['C3110', 'C3120', 'C3130', 'C3140'],
    words: ['钢铁', '特钢', '金属制品'],
    pollution: ['AIR', 'WATER', 'SOLID_HAZARDOUS_WASTE', 'NOISE'],
    air: [
      ['KILN', 0.9],
      ['DUST', 0.8],
      ['COAL_BOILER', 0.3],
    ],
    supervision: HEAVY,
    management: [80, 20, 0],
    online: 0.55,
    outlets: ['DA', 'DA', 'DW'],
  },
  {
    weight: 0.8,
    codes: ['C3011'],
    words: ['水泥', '建材'],
    pollution: ['AIR', 'SOLID_HAZARDOUS_WASTE', 'NOISE'],
    air: [
      ['KILN', 0.95],
      ['DUST', 0.9],
    ],
    supervision: HEAVY,
    management: [85, 15, 0],
    online: 0.5,
    outlets: ['DA'],
  },
  {
    weight: 7.0,
    codes: ['C2611', 'C2614', 'C2619', 'C2631', 'C2641', 'C2661', 'C2669'],
    words: ['化工', '化学', '新材料', '精细化工'],
    pollution: ['AIR', 'WATER', 'SOLID_HAZARDOUS_WASTE'],
    air: [
      ['VOCS', 0.8],
      ['COAL_BOILER', 0.15],
      ['KILN', 0.05],
    ],
    supervision: MID,
    management: [45, 45, 10],
    online: 0.22,
    outlets: ['DW', 'DA'],
  },
  {
    weight: 1.5,
    codes: ['C2211', 'C2221', 'C2231'],
    words: ['纸业', '造纸', '包装'],
    pollution: ['WATER', 'AIR', 'SOLID_HAZARDOUS_WASTE'],
    air: [
      ['COAL_BOILER', 0.3],
      ['VOCS', 0.2],
    ],
    supervision: MID,
    management: [50, 40, 10],
    online: 0.25,
    outlets: ['DW', 'DA'],
  },
  {
    weight: 2.0,
    codes: ['C2710', 'C2720', 'C2730', 'C2740', 'C2750', 'C2761'],
    words: ['制药', '药业', '生物科技'],
    pollution: ['WATER', 'AIR', 'SOLID_HAZARDOUS_WASTE'],
    air: [['VOCS', 0.8]],
    supervision: MID,
    management: [55, 40, 5],
    online: 0.22,
    outlets: ['DW', 'DA'],
  },
  {
    weight: 2.0,
    codes: ['C1713', 'C1723', 'C1733', 'C1743', 'C1752', 'C1762'],
    words: ['印染', '纺织', '染整'],
    pollution: ['WATER', 'AIR'],
    air: [
      ['VOCS', 0.4],
      ['COAL_BOILER', 0.2],
    ],
    supervision: MID,
    management: [40, 50, 10],
    online: 0.2,
    outlets: ['DW'],
  },
  {
    weight: 1.5,
    codes: ['C3360'],
    words: ['电镀', '表面处理', '金属表面处理'],
    pollution: ['WATER', 'SOLID_HAZARDOUS_WASTE', 'AIR'],
    air: [['VOCS', 0.2]],
    supervision: MID,
    management: [70, 30, 0],
    online: 0.2,
    outlets: ['DW'],
  },
  // Near-misses of the tag prefixes, so derivation must use the listed codes exactly.
  {
    weight: 3.0,
    codes: ['C1711', 'C1712', 'C3012', 'C2620', 'C3031'],
    words: ['棉纺', '纺纱', '石灰', '化肥', '砖瓦'],
    pollution: ['AIR', 'WATER', 'NOISE'],
    air: [
      ['DUST', 0.5],
      ['KILN', 0.3],
    ],
    supervision: LIGHT,
    management: [10, 40, 50],
    online: 0.05,
    outlets: ['DA', 'DW'],
  },
  {
    weight: 80.0,
    codes: [
      'C1331',
      'C1391',
      'C1440',
      'C1512',
      'C1810',
      'C1910',
      'C2110',
      'C2319',
      'C2924',
      'C3021',
      'C3311',
      'C3391',
      'C3484',
      'C3670',
      'C3824',
      'C3985',
      'D4430',
      'N7724',
      'N7820',
      'F5265',
      'O8011',
      'Q8411',
      'E4819',
      'B0810',
    ],
    words: [
      '食品',
      '饲料',
      '机械',
      '塑料',
      '家具',
      '汽车零部件',
      '电子',
      '印刷',
      '皮革',
      '服装',
      '酿酒',
      '环保科技',
      '建筑',
      '商贸',
      '医疗',
      '物流',
      '石材',
      '铸造',
    ],
    pollution: ['AIR', 'WATER', 'SOLID_HAZARDOUS_WASTE', 'NOISE'],
    air: [
      ['VOCS', 0.25],
      ['DUST', 0.25],
      ['COAL_BOILER', 0.04],
    ],
    supervision: LIGHT,
    management: [3, 27, 70],
    online: 0.058,
    outlets: ['DA', 'DW'],
  },
];

/** Made-up but plausible trade-name characters (字号). */
export const NAME_CHARS = [
  '鑫',
  '源',
  '华',
  '泰',
  '恒',
  '盛',
  '瑞',
  '丰',
  '宏',
  '达',
  '通',
  '力',
  '金',
  '科',
  '新',
  '宇',
  '隆',
  '昌',
  '晟',
  '弘',
  '润',
  '海',
  '永',
  '嘉',
  '信',
  '安',
  '祥',
  '福',
  '东',
  '方',
  '鲁',
  '齐',
  '岱',
  '德',
  '利',
  '众',
  '博',
  '汇',
  '凯',
  '立',
  '伟',
  '志',
  '诚',
  '兴',
  '聚',
  '远',
  '航',
  '明',
  '佳',
  '亿',
  '久',
  '峰',
  '天',
  '合',
  '正',
];
