import { PoolClient } from 'pg';

/**
 * A product derived from the store after its scores, with durable marks in
 * `derive_dirty` (rows of `derive_product`). A new product adds a row there
 * (in a migration) and a value here, then consumes its marks with
 * {@link takeDeriveMarks}; the triggers that write the marks need no change.
 */
export type DeriveProduct = 'tags' | 'warnings' | 'supervision';

/**
 * Deletes the marks of `product` — all of them, or only those of `codes` —
 * and returns their credit codes. Call it inside the transaction that writes
 * the product's results: the marks then disappear exactly when the results
 * are committed, and a crash in between leaves both as they were. A change
 * committed after the delete marks its enterprise again, so nothing is missed.
 */
export async function takeDeriveMarks(client: PoolClient, product: DeriveProduct, codes?: readonly string[]): Promise<string[]> {
  const res = codes
    ? await client.query<{ credit_code: string }>(`delete from derive_dirty where product = $1 and credit_code = any($2::text[]) returning credit_code`, [
        product,
        [...codes],
      ])
    : await client.query<{ credit_code: string }>(`delete from derive_dirty where product = $1 returning credit_code`, [product]);
  return res.rows.map((r) => r.credit_code);
}
