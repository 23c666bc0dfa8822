/** The two actions as plain HTML forms: they work without JavaScript (303 back + flash). */
export function JobButtons() {
  return (
    <div class="actions">
      <form method="post" action="/gradcafe/pull-data">
        <button class="btn" type="submit">
          Pull Data
        </button>
      </form>
      <form method="post" action="/gradcafe/update-analysis">
        <button class="btn btn-primary" type="submit">
          Update Analysis
        </button>
      </form>
    </div>
  );
}
