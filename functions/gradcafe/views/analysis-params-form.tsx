import type { AnalysisParams } from '../lib/analysis.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { DEGREES } from '../lib/model.ts';
import gradcafe from '../app.ts';

/** Update the analysis for another term / school / program / degree (admins: it triggers a job). */
export interface AnalysisParamsFormProps {
  params: AnalysisParams | null;
  terms: readonly string[];
  /** Names present in the data, offered as suggestions (a name nobody used matches no entry). */
  names: { universities: readonly string[]; programs: readonly string[] };
  csrfToken: string | undefined;
}

export function AnalysisParamsForm({ params, terms, names, csrfToken }: AnalysisParamsFormProps) {
  if (!csrfToken) return null;
  return (
    <section class="card" aria-labelledby="params-title">
      <details>
        <summary id="params-title">Ask about another term or program</summary>
        <form method="post" action={gradcafe.url('/update-analysis')}>
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
              <input
                name="university"
                maxlength={120}
                value={params?.university ?? ''}
                list="known-universities"
              />
            </label>
            <label>
              Program
              <input name="program" maxlength={120} value={params?.program ?? ''} list="known-programs" />
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
          <NameList id="known-universities" names={names.universities} />
          <NameList id="known-programs" names={names.programs} />
          <p class="muted small">
            The answers open on a page of their own; everyone else keeps seeing the standard question.
          </p>
          <button class="btn btn-primary" type="submit">
            Update Analysis
          </button>
        </form>
      </details>
    </section>
  );
}

function NameList({ id, names }: { id: string; names: readonly string[] }) {
  return (
    <datalist id={id}>
      {names.map((name) => (
        <option value={name} />
      ))}
    </datalist>
  );
}
