// Laravel's resources/js/app.js: Echo set up by echo.js, then the page's own listeners.
import './echo';
import { listen } from '../../../shared/listen.js';

listen(window.Echo);
