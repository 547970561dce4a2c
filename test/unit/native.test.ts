import t from 'tap'
import { sumFloat64 } from '../../src/native.js'

t.test('sumFloat64 sums a Float64Array in C++', async (t) => {
  const values = new Float64Array([1.5, 2.5, 3, 4, 5, 6, 7])
  t.same(sumFloat64(values), { sum: 29, count: 7 })
})

t.test('NaN entries are nulls: skipped and not counted', async (t) => {
  t.same(sumFloat64(new Float64Array([1, NaN, 2, NaN, NaN])), { sum: 3, count: 2 })
})

t.test('empty and views over a larger buffer', async (t) => {
  t.same(sumFloat64(new Float64Array(0)), { sum: 0, count: 0 })
  const big = new Float64Array(1001).map((_, i) => i)
  // a view starting mid-buffer: the addon must honour byteOffset and length
  t.same(sumFloat64(big.subarray(1, 11)), { sum: 55, count: 10 })
  t.equal(sumFloat64(big).sum, (1000 * 1001) / 2)
})

t.test('a wrong argument type is a coded error', async (t) => {
  t.throws(() => sumFloat64([1, 2] as unknown as Float64Array), { code: 'PULSE_ERR_NATIVE_ARG' })
})
