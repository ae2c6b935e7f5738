"""Reports an office can file: the Word report on a document's assignments and the urging letter,
in the Party's form (Hướng dẫn 36-HD/VPTW) or the State's (Nghị định 30/2020/NĐ-CP), decided by the
body that issued the document."""
