/**
 * Shandong's administrative divisions (from `data/divisions-shandong.csv`) with the
 * geography the generator needs: approximate city centres and the river basins.
 */
import { projectRoot } from '../src/config/project-root';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A division row of the CSV. */
export interface Division {
  code: string;
  name: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY';
  parentCode: string;
}

/** A county with what the generator derives from it. */
export interface County extends Division {
  cityCode: string;
  cityName: string;
  /** Short place name for company names, e.g. 历城 (or the city's, e.g. 济南, for districts like 市中区). */
  shortName: string;
  cityShortName: string;
  centre: readonly [number, number];
  basins: readonly string[];
}

/** Approximate centre (longitude, latitude) of each city. */
const CITY_CENTRES: Record<string, readonly [number, number]> = {
  '370100': [117.0, 36.65],
  '370200': [120.38, 36.07],
  '370300': [118.05, 36.8],
  '370400': [117.32, 34.81],
  '370500': [118.67, 37.43],
  '370600': [121.44, 37.46],
  '370700': [119.16, 36.71],
  '370800': [116.59, 35.41],
  '370900': [117.09, 36.2],
  '371000': [122.12, 37.51],
  '371100': [119.53, 35.42],
  '371300': [118.36, 35.1],
  '371400': [116.36, 37.44],
  '371500': [115.99, 36.46],
  '371600': [117.97, 37.38],
  '371700': [115.48, 35.23],
};

/** River basins a city's enterprises drain into (first = most common). */
const CITY_BASINS: Record<string, readonly string[]> = {
  '370100': ['XIAOQING_RIVER', 'YELLOW_RIVER'],
  '370200': ['PENINSULA'],
  '370300': ['XIAOQING_RIVER', 'HUAI_RIVER'],
  '370400': ['HUAI_RIVER'],
  '370500': ['YELLOW_RIVER', 'XIAOQING_RIVER'],
  '370600': ['PENINSULA'],
  '370700': ['XIAOQING_RIVER', 'PENINSULA'],
  '370800': ['HUAI_RIVER'],
  '370900': ['YELLOW_RIVER', 'HUAI_RIVER'],
  '371000': ['PENINSULA'],
  '371100': ['HUAI_RIVER', 'PENINSULA'],
  '371300': ['HUAI_RIVER'],
  '371400': ['HAI_RIVER', 'YELLOW_RIVER'],
  '371500': ['HAI_RIVER', 'YELLOW_RIVER'],
  '371600': ['YELLOW_RIVER', 'XIAOQING_RIVER'],
  '371700': ['HUAI_RIVER', 'YELLOW_RIVER'],
};

/** Path of the division list shipped with the project. */
export const DIVISIONS_CSV = resolve(projectRoot(), 'data', 'divisions-shandong.csv');

let cache: { all: Division[]; counties: County[] } | null = null;

function shorten(name: string): string | null {
  if (/^市[中南北]区$|开发区|新区|高新|示范区|管理区|园区|经济/.test(name)) return null;
  const s = name.replace(/(自治县|区|县|市)$/, '');
  return s.length >= 2 ? s : null;
}

/** Loads the division list (cached): all rows and the counties with their geography. */
export function loadDivisions(): { all: Division[]; counties: County[] } {
  if (cache) return cache;
  const lines = readFileSync(DIVISIONS_CSV, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const all: Division[] = lines.slice(1).map((l) => {
    const [code, name, level, parentCode] = l.split(',');
    return { code, name, level: level as Division['level'], parentCode: parentCode ?? '' };
  });
  const cities = new Map(all.filter((d) => d.level === 'CITY').map((d) => [d.code, d]));
  const counties: County[] = all
    .filter((d) => d.level === 'COUNTY')
    .map((d) => {
      const cityCode = d.parentCode || d.code.slice(0, 4) + '00';
      const cityName = cities.get(cityCode)?.name ?? '山东';
      const cityShortName = cityName.replace(/市$/, '');
      return {
        ...d,
        cityCode,
        cityName,
        cityShortName,
        shortName: shorten(d.name) ?? cityShortName,
        centre: CITY_CENTRES[cityCode] ?? [118.0, 36.4],
        basins: CITY_BASINS[cityCode] ?? ['HUAI_RIVER'],
      };
    });
  cache = { all, counties };
  return cache;
}
