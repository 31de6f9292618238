// How to get the whole email (not a screenshot or the text you read) out of the common mail
// programs: save it as a file, copy its source, or forward it to the mailbox.
export function HowToSave({ mailbox }: { mailbox: string | null }) {
  const onPhone = mailbox ? (
    <>
      Phone mail apps cannot save the original email. Forward it to <strong className="mono break">{mailbox}</strong> and the answer comes back by
      email.
    </>
  ) : (
    <>Phone mail apps cannot save the original email. Open your mail on a computer (or in a web browser) and follow the steps for it.</>
  );
  return (
    <section className="card how-to" aria-labelledby="howto-heading">
      <h2 id="howto-heading">How to save the email</h2>
      <p>The check needs the whole original email, with its hidden header lines: a screenshot or a copy of the text is not enough.</p>
      <details>
        <summary>Gmail on a computer</summary>
        <ol>
          <li>Open the email.</li>
          <li>
            Select <strong>More</strong> (the three dots next to Reply), then <strong>Download message</strong>. Upload the .eml file here.
          </li>
          <li>
            Or choose <strong>Show original</strong>, then <strong>Copy to clipboard</strong>, and paste it into the box above.
          </li>
        </ol>
      </details>
      <details>
        <summary>Outlook on Windows</summary>
        <ol>
          <li>Open the email in its own window.</li>
          <li>
            Choose <strong>File</strong>, <strong>Save As</strong>, and save it as <strong>Outlook Message Format (.msg)</strong>. Upload that file
            here. (Dragging the email onto the desktop does the same.)
          </li>
          <li>
            In the new Outlook, select <strong>More actions</strong> (…), then <strong>Save as</strong>; or <strong>View</strong>,{' '}
            <strong>View message source</strong>, and copy it into the box above.
          </li>
        </ol>
      </details>
      <details>
        <summary>Outlook.com and Outlook on the web</summary>
        <ol>
          <li>Open the email and select <strong>More actions</strong> (…).</li>
          <li>
            Choose <strong>Download</strong> (saves an .eml file), or <strong>View</strong>, <strong>View message source</strong> and copy all of it
            into the box above.
          </li>
        </ol>
      </details>
      <details>
        <summary>Apple Mail on a Mac</summary>
        <ol>
          <li>Select the email.</li>
          <li>
            Choose <strong>File</strong>, <strong>Save As</strong>, with Format <strong>Raw Message Source</strong>. Upload that file here.
          </li>
          <li>
            Or choose <strong>View</strong>, <strong>Message</strong>, <strong>Raw Source</strong> (Option-Command-U), copy everything and paste it
            above.
          </li>
        </ol>
      </details>
      <details>
        <summary>Thunderbird</summary>
        <ol>
          <li>
            Select the email, then <strong>File</strong>, <strong>Save As</strong>, <strong>File</strong>: it saves an .eml file.
          </li>
          <li>
            Or <strong>View</strong>, <strong>Message Source</strong> (Ctrl-U), copy and paste it above.
          </li>
        </ol>
      </details>
      <details>
        <summary>Yahoo Mail</summary>
        <ol>
          <li>Open the email and select <strong>More</strong> (…).</li>
          <li>
            Choose <strong>View raw message</strong>, copy everything and paste it above.
          </li>
        </ol>
      </details>
      <details>
        <summary>iPhone, iPad and Android mail apps</summary>
        <p>{onPhone}</p>
      </details>
    </section>
  );
}
