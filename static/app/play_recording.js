// The call log's play buttons. The page holds no <audio> element, so no recording is fetched until a button is
// pressed; then a player takes the button's place and plays the recording through our proxy.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.play-recording");
  if (!button) {
    return;
  }
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.src = button.dataset.src;
  audio.className = "recording-player";
  audio.setAttribute("aria-label", button.getAttribute("aria-label").replace("Play recording", "Recording"));
  button.replaceWith(audio);
  audio.focus();
  // A browser that refuses to start it leaves the controls for the user to press.
  audio.play().catch(() => {});
});
