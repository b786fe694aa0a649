/** Gives each heading a stable id: lower-case words joined by `-`, numbered when repeated. */
export class Slugger {
  readonly #used = new Map<string, number>();

  slug(text: string): string {
    const base = text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/<[^>]*>/g, "")
      .replace(/[^a-z0-9\s-]/g, "")
      .trim()
      .replace(/[\s-]+/g, "-") || "section";
    const count = this.#used.get(base) ?? 0;
    this.#used.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  }

  /** How many times each base was given out (a copy). */
  counts(): Map<string, number> {
    return new Map(this.#used);
  }

  /** Takes the ids a chapter took when it was rendered before (`counts` entries it changed). */
  apply(counts: readonly [string, number][]): void {
    for (const [base, count] of counts) this.#used.set(base, count);
  }

  /** Marks an id as taken (e.g. figure labels), so no heading gets it. */
  reserve(id: string): void {
    this.#used.set(id, Math.max(1, this.#used.get(id) ?? 0));
  }
}
