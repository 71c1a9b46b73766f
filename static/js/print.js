// A printable record's 打印 button (templates/print_page.html): opens the browser's print dialogue.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
