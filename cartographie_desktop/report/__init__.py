"""The council report (PDF), the results workbook (Excel) and the charts they share with the window. No Qt."""
