/**
 * Deterministic field-like data for benchmarks: Vietnamese names, addresses, phones, visits with corrections.
 * Written with bulkPut (as a restored backup or a first pull would), then the projections are rebuilt once.
 */
import { SKILL_CODES, SUB_SKILLS } from '../../../src/shared/skills.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import type { Hamlet, Household, OutcomeEntry, Person, Visit } from '../../../src/shared/records.ts';
import type { LocalVisit } from '../../../src/client/db/database.ts';

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Thành', 'Công'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thanh', 'Thu', 'Kim', 'Mỹ'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Đức', 'Hải', 'Hùng', 'Khoa', 'Long', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Tâm', 'Tuấn', 'Vinh'];
const GIVEN_F = ['Anh', 'Bích', 'Chi', 'Dung', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Oanh', 'Thảo', 'Trang', 'Yến'];
const PREFIXES = ['091', '098', '097', '086', '035', '038', '077', '088', '094'];

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedSpec {
  provinceCode: string;
  communeCode: string;
  hamlets: number;
  households: number;
  peoplePerHousehold: number;
  visits: number;
}

export interface Seed {
  hamlets: Hamlet[];
  households: Household[];
  people: Person[];
  visits: LocalVisit[];
}

export function generate(spec: SeedSpec, seed = 42): Seed {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const base = Date.parse('2026-06-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const hamlets: Hamlet[] = Array.from({ length: spec.hamlets }, (_, i) => ({
    id: uuidv7(base + i),
    provinceCode: spec.provinceCode,
    communeCode: spec.communeCode,
    name: `Thôn ${i + 1}`,
    version: 0,
    deleted: false,
    updatedAt: iso(base),
  }));
  const households: Household[] = [];
  const people: Person[] = [];
  const membersOf: string[][] = [];
  for (let i = 0; i < spec.households; i++) {
    const male = r() < 0.5;
    const head = `${pick(SURNAMES)} ${pick(male ? MIDDLE_M : MIDDLE_F)} ${pick(male ? GIVEN_M : GIVEN_F)}`;
    const h: Household = {
      id: uuidv7(base + 1000 + i),
      provinceCode: spec.provinceCode,
      communeCode: spec.communeCode,
      hamletId: (hamlets[i % spec.hamlets] as Hamlet).id,
      headName: head,
      address: `Xóm ${1 + Math.floor(r() * 12)}, số nhà ${1 + Math.floor(r() * 300)}`,
      phone: `${pick(PREFIXES)}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`,
      note: '',
      version: 0,
      deleted: false,
      createdAt: iso(base),
      updatedAt: iso(base),
    };
    households.push(h);
    const ids: string[] = [];
    for (let m = 0; m < spec.peoplePerHousehold; m++) {
      const female = m === 1 ? male : r() < 0.5;
      const p: Person = {
        id: uuidv7(base + 100_000 + i * 10 + m),
        householdId: h.id,
        fullName: m === 0 ? head : `${pick(SURNAMES)} ${pick(female ? MIDDLE_F : MIDDLE_M)} ${pick(female ? GIVEN_F : GIVEN_M)}`,
        birthYear: 1940 + Math.floor(r() * 70),
        sex: m === 0 ? (male ? 'male' : 'female') : female ? 'female' : 'male',
        relation: m === 0 ? 'head' : m === 1 ? 'spouse' : 'child',
        version: 0,
        deleted: false,
        createdAt: iso(base),
        updatedAt: iso(base),
      };
      people.push(p);
      ids.push(p.id);
    }
    membersOf.push(ids);
  }
  const visits: LocalVisit[] = [];
  for (let v = 0; v < spec.visits; v++) {
    const hi = Math.floor(r() * spec.households);
    const h = households[hi] as Household;
    const members = membersOf[hi] as string[];
    const at = base + Math.floor(r() * 170 * 86_400_000);
    const outcomes: OutcomeEntry[] = [];
    const personId = pick(members);
    for (const skill of SKILL_CODES) {
      if (r() < 0.6) {
        outcomes.push({
          personId,
          skill,
          outcome: r() < 0.45 ? 'proficient' : 'guided',
          subSkills: r() < 0.5 ? [pick(SUB_SKILLS[skill])] : [],
        });
      }
    }
    const corrects = v > 0 && r() < 0.02 ? (visits[visits.length - 1] as Visit) : null;
    visits.push({
      id: uuidv7(at),
      householdId: corrects ? corrects.householdId : h.id,
      hamletId: corrects ? corrects.hamletId : h.hamletId,
      provinceCode: spec.provinceCode,
      communeCode: spec.communeCode,
      visitedAt: iso(at),
      recordedAt: iso(at + 60_000),
      corrects: corrects ? (corrects.corrects ?? corrects.id) : null,
      outcomes: corrects ? [] : outcomes,
      notes: r() < 0.2 ? 'Hướng dẫn cài VNeID mức 2' : '',
      followUpOn: r() < 0.3 ? new Date(at + 14 * 86_400_000).toISOString().slice(0, 10) : null,
      authorId: 'bench-device',
    });
  }
  return { hamlets, households, people, visits };
}
