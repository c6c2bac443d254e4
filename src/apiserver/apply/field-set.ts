import type { FieldPath, PathElement } from './path-element.js';
import { comparePathElements, deserializePathElement, serializePathElement } from './path-element.js';

/**
 * A set of field paths stored as a trie, the shape of structured-merge-diff's fieldpath.Set: at each
 * level, the elements that are themselves members and the elements that lead to deeper members. An
 * element can be both (a list item that is owned and whose fields are owned too).
 */
export class FieldSet {
  private readonly ownMembers = new Map<string, PathElement>();
  private readonly ownChildren = new Map<string, { pe: PathElement; set: FieldSet }>();
  /** A level of a canonical fieldsV1 object not read yet (see lazy()). */
  private pending: Record<string, unknown> | undefined;

  private get members(): Map<string, PathElement> {
    if (this.pending !== undefined) this.expand();
    return this.ownMembers;
  }

  private get children(): Map<string, { pe: PathElement; set: FieldSet }> {
    if (this.pending !== undefined) this.expand();
    return this.ownChildren;
  }

  /**
   * The set a canonical fieldsV1 object stands for (exactly what encodeFieldsV1 writes, so valid and
   * each key its element's serialized form), read one level at a time as it is used: a write mostly
   * touches only the top of the other managers' sets. The object must never change afterwards.
   */
  static lazy(raw: Record<string, unknown>): FieldSet {
    const s = new FieldSet();
    s.pending = raw;
    return s;
  }

  private expand(): void {
    const raw = this.pending!;
    this.pending = undefined;
    for (const key in raw) {
      if (key === '.') continue;
      const pe = key.startsWith('f:') ? ({ kind: 'field', name: key.slice(2) } as const) : deserializePathElement(key);
      if (pe === undefined) continue;
      const value = raw[key] as Record<string, unknown>;
      let member = false;
      let below = false;
      for (const k in value) {
        if (k === '.') member = true;
        else below = true;
      }
      // As the decoder reads it: a node with nothing below is a leaf, hence a member.
      if (!below) member = true;
      const id = pe.kind === 'field' ? key : serializePathElement(pe);
      if (member) this.ownMembers.set(id, pe);
      if (below) this.ownChildren.set(id, { pe, set: FieldSet.lazy(value) });
    }
  }

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let level: FieldSet = this;
    const last = path.length - 1;
    for (let i = 0; i < last; i++) {
      const id = serializePathElement(path[i]);
      let child = level.children.get(id);
      if (!child) {
        child = { pe: path[i], set: new FieldSet() };
        level.children.set(id, child);
      }
      level = child.set;
    }
    level.members.set(serializePathElement(path[last]), path[last]);
  }

  /**
   * Adds every path of `sub` below `path` (not `path` itself), for a set being built: used where a
   * whole subtree was built at once. `sub` becomes part of this set and must not be used elsewhere.
   */
  insertSubtree(path: FieldPath, sub: FieldSet): void {
    if (sub.isEmpty()) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let level: FieldSet = this;
    for (let i = 0; i < path.length; i++) {
      const id = serializePathElement(path[i]);
      const child = level.children.get(id);
      if (i === path.length - 1) {
        level.children.set(id, { pe: path[i], set: child ? child.set.union(sub).clone() : sub });
        return;
      }
      if (child) level = child.set;
      else {
        const next = new FieldSet();
        level.children.set(id, { pe: path[i], set: next });
        level = next;
      }
    }
    // An empty path merges `sub` into this level.
    for (const [id, pe] of sub.members) this.members.set(id, pe);
    for (const [id, c] of sub.children) {
      const mine = this.children.get(id);
      this.children.set(id, mine ? { pe: mine.pe, set: mine.set.union(c.set).clone() } : c);
    }
  }

  /** Marks `pe` itself as a member of this level. */
  insertMember(pe: PathElement): void {
    this.members.set(serializePathElement(pe), pe);
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const id = serializePathElement(path[0]);
    if (path.length === 1) return this.members.has(id);
    return this.children.get(id)?.set.has(path.slice(1)) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePathElement(pe));
  }

  /** The paths below `pe`, relative to it; undefined when there are none. */
  withPrefix(pe: PathElement): FieldSet | undefined {
    const c = this.children.get(serializePathElement(pe));
    return c && !c.set.isEmpty() ? c.set : undefined;
  }

  isEmpty(): boolean {
    // Every child set is non-empty (insert ends in a member; the operations keep only non-empty children).
    return this.members.size === 0 && this.children.size === 0;
  }

  /** Members sorted as upstream sorts them. */
  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePathElements);
  }

  sortedChildren(): Array<{ pe: PathElement; set: FieldSet }> {
    return [...this.children.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** The members and the children by serialized element, for encoders that walk the trie (read only). */
  entries(): { members: ReadonlyMap<string, PathElement>; children: ReadonlyMap<string, { pe: PathElement; set: FieldSet }> } {
    return { members: this.members, children: this.children };
  }

  /** A copy that may be changed with insert() without touching this set. */
  clone(): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, c] of this.children) out.children.set(id, { pe: c.pe, set: c.set.clone() });
    return out;
  }

  /*
   * The set operations treat their operands as immutable: they share unchanged subtrees and return
   * an operand itself when the result equals it, so an unchanged manager keeps its very set (and its
   * memoized encoding). Only sets just built with insert() are ever changed.
   */

  union(other: FieldSet): FieldSet {
    if (other === this || other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const out = new FieldSet();
    let grew = false;
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, pe] of other.members) {
      if (!out.members.has(id)) {
        out.members.set(id, pe);
        grew = true;
      }
    }
    for (const [id, a] of this.children) {
      const b = other.children.get(id);
      if (!b) {
        out.children.set(id, a);
        continue;
      }
      const set = a.set.union(b.set);
      if (set !== a.set) grew = true;
      out.children.set(id, set === a.set ? a : { pe: a.pe, set });
    }
    for (const [id, b] of other.children) {
      if (this.children.has(id)) continue;
      out.children.set(id, b);
      grew = true;
    }
    return grew ? out : this;
  }

  /** Paths in this set and not in `other`; a member of `other` does not remove the paths below it. */
  difference(other: FieldSet): FieldSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    const out = new FieldSet();
    let shrank = false;
    for (const [id, pe] of this.members) {
      if (other.members.has(id)) shrank = true;
      else out.members.set(id, pe);
    }
    for (const [id, c] of this.children) {
      const o = other.children.get(id);
      const set = o ? c.set.difference(o.set) : c.set;
      if (set !== c.set) shrank = true;
      if (!set.isEmpty()) out.children.set(id, set === c.set ? c : { pe: c.pe, set });
    }
    return shrank ? out : this;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    if (this.isEmpty() || other.isEmpty()) return out;
    const [small, large] = this.members.size <= other.members.size ? [this, other] : [other, this];
    for (const [id] of small.members) if (large.members.has(id)) out.members.set(id, this.members.get(id)!);
    for (const [id, c] of this.children) {
      const o = other.children.get(id);
      if (!o) continue;
      const set = c.set.intersection(o.set);
      if (!set.isEmpty()) out.children.set(id, { pe: c.pe, set });
    }
    return out;
  }

  /** Every member path: this level's members first, then each child's, in sorted order. */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = this.sortedMembers().map((pe) => [...prefix, pe]);
    for (const c of this.sortedChildren()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  /** Visits the direct children with their element, for schema-aware walks. */
  forEachChild(fn: (pe: PathElement, set: FieldSet) => void): void {
    for (const c of this.children.values()) fn(c.pe, c.set);
  }

  /** from() for callers that have each element's serialized form at hand (the fieldsV1 decoder). */
  static fromSerialized(members: Iterable<[string, PathElement]>, children: Iterable<[string, PathElement, FieldSet]>): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of members) out.members.set(id, pe);
    for (const [id, pe, set] of children) if (!set.isEmpty()) out.children.set(id, { pe, set });
    return out;
  }

  /** Rebuilds a level from parts; used by schema-aware transforms. */
  static from(members: Iterable<PathElement>, children: Iterable<[PathElement, FieldSet]>): FieldSet {
    const out = new FieldSet();
    for (const pe of members) out.insertMember(pe);
    for (const [pe, set] of children) {
      if (!set.isEmpty()) out.children.set(serializePathElement(pe), { pe, set });
    }
    return out;
  }
}
