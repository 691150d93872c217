from adminduk.cli import main

main()
