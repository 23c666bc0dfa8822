import type { AnalysisParams } from '../lib/analysis.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { DEGREES } from '../lib/model.ts';

/** Update the analysis for another term / school / program / degree (admins: it triggers a job). */
export function AnalysisParamsForm({
  params,
  terms,
  csrfToken,
}: {
  params: AnalysisParams | null;
  terms: readonly string[];
  csrfToken: string | undefined;
}) {
  if (!csrfToken) return null;
  return (
    <section class="card" aria-labelledby="params-title">
      <details>
        <summary id="params-title">Ask about another term or program</summary>
        <form method="post" action="/gradcafe/update-analysis">
          <CsrfField token={csrfToken} />
          <div class="form-row">
            <label>
              Term
              <select name="term">
                <option value="">Latest term</option>
                {terms.map((term) => (
                  <option value={term} selected={term === params?.term}>
                    {term}
                  </option>
                ))}
              </select>
            </label>
            <label>
              University
              <input name="university" maxlength={120} value={params?.university ?? ''} />
            </label>
            <label>
              Program
              <input name="program" maxlength={120} value={params?.program ?? ''} />
            </label>
            <label>
              Degree
              <select name="degree">
                {DEGREES.map((degree) => (
                  <option value={degree} selected={degree === (params?.degree ?? 'Masters')}>
                    {degree}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <button class="btn btn-primary" type="submit">
            Update Analysis
          </button>
        </form>
      </details>
    </section>
  );
}
