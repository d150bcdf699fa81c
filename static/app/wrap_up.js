// The wrap-up note: how many characters are left, counted as the server counts them (a line break is one).
document.querySelectorAll("textarea[data-counts-down]").forEach((note) => {
  const left = document.getElementById(`${note.id}_left`);
  if (!left || note.maxLength < 0) return;
  const show = () => {
    const count = note.maxLength - note.value.length;
    left.textContent = `${count.toLocaleString("en-IN")} character${count === 1 ? "" : "s"} left`;
  };
  note.addEventListener("input", show);
  show();
});
